"""indexes of the people and orgs whose messaging is off

Revision ID: messaging_off
Revises: catalog2
Create Date: 2026-12-04 19:00:00

Every send asks which of the conversation's other members have messaging off, and whether any org has it off
(§6.4). Without an index the first read every person (or every member) and the second every org, on every send:
a cost that grew with the district. Both are partial indexes holding only the rows with messaging off (usually
none), under the same condition the queries write (``IS true``, which PostgreSQL does not prove from a bare
``messaging_disabled``), so each check is an index lookup that finds nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'messaging_off'
down_revision = 'catalog2'
branch_labels = None
depends_on = None

_TABLES = ('users', 'orgs')
_OFF = sa.column('messaging_disabled', sa.Boolean()).is_(True)


def upgrade() -> None:
    for table in _TABLES:
        op.create_index(
            f'ix_{table}_messaging_off',
            table,
            ['id'],
            sqlite_where=_OFF,
            postgresql_where=_OFF,
        )


def downgrade() -> None:
    for table in _TABLES:
        op.drop_index(f'ix_{table}_messaging_off', table_name=table)
