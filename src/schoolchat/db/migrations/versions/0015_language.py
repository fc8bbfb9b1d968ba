"""language: the language a person chose, and the default language of an org

Revision ID: language
Revises: sso
Create Date: 2026-12-02 01:30:00

``users.language`` is the person's own choice and ``orgs.default_language`` the default of an org and those below
it; both nullable ('nb', 'nn' or 'en'): NULL falls through to the next source (school, then the browser).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'language'
down_revision = 'safeguarding'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(op.f('ck_users_language'), "language in ('nb', 'nn', 'en')")
    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_language', sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_orgs_default_language'), "default_language in ('nb', 'nn', 'en')"
        )


def downgrade() -> None:
    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_orgs_default_language'), type_='check')
        batch_op.drop_column('default_language')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_language'), type_='check')
        batch_op.drop_column('language')
