"""events name the message whose content they carry

Revision ID: erasure
Revises: 0006
Create Date: 2026-12-01 21:15:00

``events.message_id`` (indexed) lets a delete or an edit rewrite, in its own transaction, every logged event that
carries the message's content (``message.created``, ``message.edited``, ``message.deleted``), so the event log
never serves a deleted or superseded text. Events logged before this migration carry no id; they leave the log
within its retention (``SCHOOLCHAT_EVENT_RETENTION_DAYS``), and the upgrade fills the id in for them from the
payload so that even those are rewritten.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = 'erasure'
down_revision = '0006'
branch_labels = None
depends_on = None

_MESSAGE_EVENTS = ('message.created', 'message.edited', 'message.deleted')
_BATCH = 5000


def upgrade() -> None:
    op.add_column('events', sa.Column('message_id', sa.Integer(), nullable=True))
    op.create_index('ix_events_message', 'events', ['message_id'], unique=False)
    events = sa.table('events', sa.column('id', sa.Integer), sa.column('type', sa.String),
                      sa.column('payload', sa.JSON), sa.column('message_id', sa.Integer))
    conn = op.get_bind()
    fill = events.update().where(events.c.id == sa.bindparam('event_id')).values(message_id=sa.bindparam('message'))
    found = conn.execute(sa.select(events.c.id, events.c.payload).where(events.c.type.in_(_MESSAGE_EVENTS))
                         .order_by(events.c.id)).all()
    for start in range(0, len(found), _BATCH):
        conn.execute(fill, [{'event_id': event_id, 'message': _message_id(payload)}
                            for event_id, payload in found[start:start + _BATCH]])


def _message_id(payload: object) -> int:
    data = json.loads(payload) if isinstance(payload, str) else payload
    assert isinstance(data, dict)
    return int(data['message']['id'])

def downgrade() -> None:
    op.drop_index('ix_events_message', table_name='events')
    op.drop_column('events', 'message_id')
