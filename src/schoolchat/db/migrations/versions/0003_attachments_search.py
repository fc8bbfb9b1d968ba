"""attachments and search

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-27 04:30:00

The attachment tables, and the full-text index of messages (an FTS5 table on SQLite, a tsvector table with a
GIN index on PostgreSQL; see ``db/fulltext.py``), filled from the messages already there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import schoolchat.db.types
from schoolchat.db import fulltext
from schoolchat.search.text import tokens

revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uploader_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', schoolchat.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key')),
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_uploader', ['uploader_id', 'id'], unique=False)

    op.create_table(
        'attachment_blobs',
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('chunk', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('storage_key', 'chunk', name=op.f('pk_attachment_blobs')),
    )
    op.create_table(
        'message_attachments',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['attachment_id'],
            ['attachments.id'],
            name=op.f('fk_message_attachments_attachment_id_attachments'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['messages.id'],
            name=op.f('fk_message_attachments_message_id_messages'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('message_id', 'attachment_id', name=op.f('pk_message_attachments')),
    )
    with op.batch_alter_table('message_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_message_attachments_attachment', ['attachment_id'], unique=False)

    connection = op.get_bind()
    for statement in fulltext.create_statements(connection.dialect.name):
        op.execute(statement)
    _index_existing_messages(connection)


# Frozen with this revision: the messages table as it was at 0003, read in plain SQL, so that later changes to
# the tables (and to search.index) cannot break a fresh migration. message_attachments was created just above and
# is empty, so a message's words are those of its text. The words themselves are the app's (search.text): the
# index must hold what queries split, whatever the version.
_EXISTING_MESSAGES = sa.text(
    "SELECT messages.id, messages.conversation_id, messages.body FROM messages"
    " JOIN conversations ON conversations.id = messages.conversation_id"
    " WHERE messages.deleted_at IS NULL AND conversations.kind <> 'mass' ORDER BY messages.id"
)


def _index_existing_messages(connection: sa.Connection, batch: int = 20_000) -> None:
    rows: list[tuple[int, int, list[str]]] = []
    for message_id, conversation_id, body in connection.execute(_EXISTING_MESSAGES):
        rows.append((message_id, conversation_id, tokens(body)))
        if len(rows) >= batch:
            fulltext.put_many(connection, rows)
            rows = []
    fulltext.put_many(connection, rows)
    fulltext.optimize(connection)


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {fulltext.TABLE}")
    op.drop_table('message_attachments')
    op.drop_table('attachment_blobs')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_uploader')
    op.drop_table('attachments')
