"""events name the message whose content they carry; copies of individual messages name their original

Revision ID: erasure
Revises: 0006
Create Date: 2026-12-01 21:15:00

``events.message_id`` (indexed) lets a delete or an edit rewrite, in its own transaction, every logged event that
carries the message's content (``message.created``, ``message.edited``, ``message.deleted``), so the event log
never serves a deleted or superseded text. Events logged before this migration carry no id; they leave the log
within its retention (``SCHOOLCHAT_EVENT_RETENTION_DAYS``), and the upgrade fills the id in for them from the
payload so that even those are rewritten.

``messages.copy_of_id`` (indexed) links each recipient's 1:1 copy of a "Sent to X people" message to that message,
so editing or deleting it there edits or deletes every copy. Copies written before are found as the fan-out wrote
them: same sender, same time, in a 1:1 listed for that "Sent to X people" conversation.
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
    _events_name_their_message()
    _copies_name_their_original()


def _copies_name_their_original() -> None:
    op.add_column('messages', sa.Column('copy_of_id', sa.Integer(), nullable=True))
    op.create_index('ix_messages_copy_of', 'messages', ['copy_of_id'], unique=False)
    op.execute(
        "UPDATE messages SET copy_of_id = ("
        " SELECT original.id FROM messages AS original"
        " JOIN individual_recipients AS recipient ON recipient.conversation_id = original.conversation_id"
        " WHERE recipient.direct_conversation_id = messages.conversation_id"
        " AND original.sender_id = messages.sender_id AND original.created_at = messages.created_at"
        " ORDER BY original.id LIMIT 1)"
        " WHERE conversation_id IN (SELECT direct_conversation_id FROM individual_recipients)"
    )


def _events_name_their_message() -> None:
    op.add_column('events', sa.Column('message_id', sa.Integer(), nullable=True))
    op.create_index('ix_events_message', 'events', ['message_id'], unique=False)
    events = sa.table(
        'events',
        sa.column('id', sa.Integer),
        sa.column('type', sa.String),
        sa.column('payload', sa.JSON),
        sa.column('message_id', sa.Integer),
    )
    conn = op.get_bind()
    fill = (
        events.update()
        .where(events.c.id == sa.bindparam('event_id'))
        .values(message_id=sa.bindparam('message'))
    )
    found = conn.execute(
        sa.select(events.c.id, events.c.payload)
        .where(events.c.type.in_(_MESSAGE_EVENTS))
        .order_by(events.c.id)
    ).all()
    for start in range(0, len(found), _BATCH):
        conn.execute(
            fill,
            [
                {'event_id': event_id, 'message': _message_id(payload)}
                for event_id, payload in found[start : start + _BATCH]
            ],
        )


def _message_id(payload: object) -> int:
    data = json.loads(payload) if isinstance(payload, str) else payload
    assert isinstance(data, dict)
    return int(data['message']['id'])


def downgrade() -> None:
    op.drop_index('ix_messages_copy_of', table_name='messages')
    op.drop_column('messages', 'copy_of_id')
    op.drop_index('ix_events_message', table_name='events')
    op.drop_column('events', 'message_id')
