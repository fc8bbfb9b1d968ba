"""retention policies per org, retention runs, and the day a course or project ended

Revision ID: retention
Revises: sso
Create Date: 2026-12-02 01:30:00

``retention_settings`` holds an org's own retention periods per kind (a kind without a row is inherited).
``retention_runs`` is the job that removes what the periods no longer keep, with what it planned and removed.
``spaces.ends_on`` is the day a course or project ended: its conversation's retention counts from it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'retention'
down_revision = 'language'
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('spaces') as batch:
        batch.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
    op.create_table(
        'retention_settings',
        sa.Column('org_id', sa.Integer(), sa.ForeignKey('orgs.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('kind', sa.String(length=24), primary_key=True),
        sa.Column('days', sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind in ('space_messages', 'conversation_messages', 'mass_messages', 'closed_reports')",
            name=op.f('ck_retention_settings_kind'),
        ),
        sa.CheckConstraint('days is null or days >= 1', name=op.f('ck_retention_settings_days')),
    )
    op.create_table(
        'retention_runs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('org_id', sa.Integer(), sa.ForeignKey('orgs.id', ondelete='CASCADE'), nullable=False),
        sa.Column('requested_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('requested_at', _UTC, nullable=False),
        sa.Column('as_of', _UTC, nullable=False),
        sa.Column('planned', sa.JSON(), nullable=False),
        sa.Column('removed', sa.JSON(), nullable=False),
        sa.Column('finished_at', _UTC, nullable=True),
    )
    op.create_index('ix_retention_runs_running', 'retention_runs', ['finished_at', 'id'])
    op.create_index('ix_retention_runs_org', 'retention_runs', ['org_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_retention_runs_org', table_name='retention_runs')
    op.drop_index('ix_retention_runs_running', table_name='retention_runs')
    op.drop_table('retention_runs')
    op.drop_table('retention_settings')
    with op.batch_alter_table('spaces') as batch:
        batch.drop_column('ends_on')
