"""LTI 1.3: registered platforms, launches under way, the tool's keys

Revision ID: lti
Revises: roster_jobs
Create Date: 2026-12-01 21:05:24

``lti_platforms`` holds each learning platform an admin registered (issuer, client id, deployments, key set and
login URLs); ``lti_launch_states`` the login initiations waiting for their signed launch (state and nonce, single
use); ``lti_tool_keys`` the key pairs schoolchat makes for itself on first use.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'lti'
down_revision = 'roster_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'lti_tool_keys',
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('private_jwk', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('kid', name=op.f('pk_lti_tool_keys')),
    )
    op.create_table(
        'lti_platforms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('issuer', sa.String(length=500), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('deployment_ids', sa.JSON(), nullable=False),
        sa.Column('jwks_url', sa.String(length=1000), nullable=False),
        sa.Column('auth_login_url', sa.String(length=1000), nullable=False),
        sa.Column('auth_token_url', sa.String(length=1000), server_default='', nullable=False),
        sa.Column('id_source', sa.String(length=10), server_default='platform', nullable=False),
        sa.Column('frame_origins', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id_source in ('platform', 'lis')", name=op.f('ck_lti_platforms_id_source')),
        sa.ForeignKeyConstraint(
            ['org_id'], ['orgs.id'], name=op.f('fk_lti_platforms_org_id_orgs'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
        sa.UniqueConstraint('issuer', 'client_id', name='uq_lti_platforms_issuer_client'),
    )
    with op.batch_alter_table('lti_platforms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_platforms_org_id'), ['org_id'], unique=False)
    op.create_table(
        'lti_launch_states',
        sa.Column('state', sa.String(length=64), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['platform_id'],
            ['lti_platforms.id'],
            name=op.f('fk_lti_launch_states_platform_id_lti_platforms'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('state', name=op.f('pk_lti_launch_states')),
    )
    with op.batch_alter_table('lti_launch_states', schema=None) as batch_op:
        batch_op.create_index('ix_lti_launch_states_platform', ['platform_id', 'expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lti_launch_states', schema=None) as batch_op:
        batch_op.drop_index('ix_lti_launch_states_platform')
    op.drop_table('lti_launch_states')
    with op.batch_alter_table('lti_platforms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_platforms_org_id'))
    op.drop_table('lti_platforms')
    op.drop_table('lti_tool_keys')
