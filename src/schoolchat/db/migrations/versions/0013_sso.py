"""single sign-on: identity providers per org, the sessions they signed in, people found by email

Revision ID: sso
Revises: privacy
Create Date: 2026-12-01 21:30:00

``identity_providers`` holds one OpenID provider per org, ``sso_sessions`` remembers which sessions a provider
signed in (so logout can offer its end-session URL), and ``users.email`` is indexed: a provider may
link by it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'sso'
down_revision = 'privacy'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'identity_providers',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('issuer', sa.String(length=500), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('client_secret', sa.String(length=1000), nullable=False),
        sa.Column('link_by', sa.String(length=20), nullable=False),
        sa.Column('link_claim', sa.String(length=200), nullable=False),
        sa.Column('extra_scopes', sa.String(length=500), server_default='', nullable=False),
        sa.Column('password_login', sa.Boolean(), server_default='1', nullable=False),
        sa.CheckConstraint(
            "link_by in ('sourced_id', 'username', 'email')", name=op.f('ck_identity_providers_link_by')
        ),
        sa.ForeignKeyConstraint(
            ['org_id'], ['orgs.id'], name=op.f('fk_identity_providers_org_id_orgs'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('org_id', name=op.f('pk_identity_providers')),
    )
    op.create_table(
        'sso_sessions',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['token_id'],
            ['auth_tokens.id'],
            name=op.f('fk_sso_sessions_token_id_auth_tokens'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['org_id'], ['orgs.id'], name=op.f('fk_sso_sessions_org_id_orgs'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('token_id', name=op.f('pk_sso_sessions')),
    )
    with op.batch_alter_table('sso_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_sessions_org_id'), ['org_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_email'), ['email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_email'))
    with op.batch_alter_table('sso_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_sessions_org_id'))
    op.drop_table('sso_sessions')
    op.drop_table('identity_providers')
