"""roster uploads imported in the background

Revision ID: roster_jobs
Revises: readby
Create Date: 2026-12-01 21:30:00

``roster_jobs``: a OneRoster zip uploaded through the admin API, its progress and its outcome; at most one
running job per org (a partial unique index).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'roster_jobs'
down_revision = 'readby'
branch_labels = None
depends_on = None

RUNNING = "status in ('validating', 'writing')"


def upgrade() -> None:
    op.create_table(
        'roster_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('rows_total', sa.Integer(), server_default='0', nullable=False),
        sa.Column('rows_validated', sa.Integer(), server_default='0', nullable=False),
        sa.Column('rows_written', sa.Integer(), server_default='0', nullable=False),
        sa.Column('error_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('errors', sa.JSON(), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.Column('failure', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status in ('validating', 'writing', 'done', 'failed')", name=op.f('ck_roster_jobs_status')
        ),
        sa.ForeignKeyConstraint(
            ['created_by'], ['users.id'], name=op.f('fk_roster_jobs_created_by_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['org_id'], ['orgs.id'], name=op.f('fk_roster_jobs_org_id_orgs'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_jobs')),
    )
    with op.batch_alter_table('roster_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_roster_jobs_org', ['org_id', 'id'], unique=False)
        batch_op.create_index(
            'uq_roster_jobs_running',
            ['org_id'],
            unique=True,
            sqlite_where=sa.text(RUNNING),
            postgresql_where=sa.text(RUNNING),
        )


def downgrade() -> None:
    with op.batch_alter_table('roster_jobs', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_roster_jobs_running', sqlite_where=sa.text(RUNNING), postgresql_where=sa.text(RUNNING)
        )
        batch_op.drop_index('ix_roster_jobs_org')
    op.drop_table('roster_jobs')
