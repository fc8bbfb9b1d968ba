"""a school's time zone and teachers' working hours

Revision ID: readby
Revises: notifications
Create Date: 2026-12-01 21:10:00

``orgs.time_zone`` is the IANA name of the school's time zone (working hours, and later quiet hours, are read in
it); ``users.working_hours`` holds when a teacher usually answers ({"start": "08:00", "end": "16:00",
"days": [1, 2, 3, 4, 5]}, ISO weekdays), or nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'readby'
down_revision = 'notifications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('time_zone', sa.String(length=64), server_default='Europe/Oslo', nullable=False)
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('working_hours', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('working_hours')
    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
