"""Moderation: abuse reports with frozen evidence and their reviewers, the append-only audit log, per-school
communication rules, and the messaging switch for courses, projects and orgs.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-27 04:04:14.175646
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import schoolchat.db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', schoolchat.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('object_type', sa.String(length=20), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action', ['action', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_actor', ['actor_id', 'id'], unique=False)

    op.create_table(
        'communication_rules',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('sender_role', sa.String(length=20), nullable=False),
        sa.Column('recipient_role', sa.String(length=20), nullable=False),
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "scope in ('nobody', 'shared_space', 'same_school', 'anyone')",
            name=op.f('ck_communication_rules_scope'),
        ),
        sa.ForeignKeyConstraint(
            ['org_id'], ['orgs.id'], name=op.f('fk_communication_rules_org_id_orgs'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint(
            'org_id', 'sender_role', 'recipient_role', name=op.f('pk_communication_rules')
        ),
    )
    op.create_table(
        'audit_log_orgs',
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['audit_id'], ['audit_log.id'], name=op.f('fk_audit_log_orgs_audit_id_audit_log')
        ),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_audit_log_orgs_org_id_orgs')),
        sa.PrimaryKeyConstraint('audit_id', 'org_id', name=op.f('pk_audit_log_orgs')),
    )
    with op.batch_alter_table('audit_log_orgs', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_orgs_org', ['org_id', 'audit_id'], unique=False)

    op.create_table(
        'reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('reporter_visible', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('reason', sa.Text(), server_default='', nullable=False),
        sa.Column('status', sa.String(length=10), server_default='open', nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('created_at', schoolchat.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('reviewed_by', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', schoolchat.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('review_note', sa.Text(), nullable=True),
        sa.CheckConstraint("status in ('open', 'reviewed', 'dismissed')", name=op.f('ck_reports_status')),
        sa.ForeignKeyConstraint(
            ['conversation_id'],
            ['conversations.id'],
            name=op.f('fk_reports_conversation_id_conversations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_reports_message_id_messages'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users')),
        sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_reports_reviewed_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_conversation', ['conversation_id'], unique=False)

    op.create_table(
        'report_reviewers',
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['report_id'],
            ['reports.id'],
            name=op.f('fk_report_reviewers_report_id_reports'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_report_reviewers_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('report_id', 'user_id', name=op.f('pk_report_reviewers')),
    )
    with op.batch_alter_table('report_reviewers', schema=None) as batch_op:
        batch_op.create_index('ix_report_reviewers_user', ['user_id', 'report_id'], unique=False)

    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messaging_disabled', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messaging_disabled', sa.Boolean(), server_default='0', nullable=False))
    _forbid_audit_changes()


def _forbid_audit_changes() -> None:
    """The application only ever appends to the audit log; the database refuses anything else."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_column('messaging_disabled')

    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.drop_column('messaging_disabled')

    with op.batch_alter_table('report_reviewers', schema=None) as batch_op:
        batch_op.drop_index('ix_report_reviewers_user')

    op.drop_table('report_reviewers')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_conversation')

    op.drop_table('reports')
    with op.batch_alter_table('audit_log_orgs', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_orgs_org')

    op.drop_table('audit_log_orgs')
    op.drop_table('communication_rules')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_actor')
        batch_op.drop_index('ix_audit_log_action')

    op.drop_table('audit_log')
