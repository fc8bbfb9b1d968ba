"""audit_log_orgs is append-only like audit_log

Revision ID: audit_orgs_append_only
Revises: lti
Create Date: 2026-12-01 21:30:00

``audit_log_orgs`` says which orgs' admins may read each audit row. Deleting its rows emptied an admin's view of
the audit log as surely as deleting the log itself, so the database refuses UPDATE and DELETE on it too.
"""

from __future__ import annotations

from alembic import op

revision = 'audit_orgs_append_only'
down_revision = 'lti'
branch_labels = None
depends_on = None

MESSAGE = "the audit log is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_orgs_no_{verb.lower()} BEFORE {verb} ON audit_log_orgs "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    else:  # the function 0004 made for audit_log raises the same error
        op.execute(
            "CREATE TRIGGER audit_log_orgs_no_change BEFORE UPDATE OR DELETE ON audit_log_orgs "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_log_orgs_no_update")
        op.execute("DROP TRIGGER audit_log_orgs_no_delete")
    else:
        op.execute("DROP TRIGGER audit_log_orgs_no_change ON audit_log_orgs")
