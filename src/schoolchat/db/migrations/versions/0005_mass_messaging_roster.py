"""mass messaging and roster import

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 06:00:00

Conversations may be of kind ``mass`` (the CHECK is widened; SQLite rebuilds the table in batch mode), mass
message jobs remember whom to reach and how far delivery got, and ``roster_ids`` maps OneRoster sourcedIds to
local ids so a roster can be imported again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import schoolchat.db.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_KINDS_BEFORE = "kind in ('direct', 'group', 'course', 'project', 'individual')"
_KINDS_AFTER = "kind in ('direct', 'group', 'course', 'project', 'individual', 'mass')"


def _conversation_kinds(check: str) -> None:
    with op.batch_alter_table('conversations', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_conversations_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_conversations_kind'), sa.text(check))


def upgrade() -> None:
    _conversation_kinds(_KINDS_AFTER)
    op.create_table(
        'mass_message_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=False),
        sa.Column('org_ids', sa.JSON(), nullable=False),
        sa.Column('roles', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), server_default='queued', nullable=False),
        sa.Column('total', sa.Integer(), server_default='0', nullable=False),
        sa.Column('processed', sa.Integer(), server_default='0', nullable=False),
        sa.Column('delivered', sa.Integer(), server_default='0', nullable=False),
        sa.Column('skipped_disabled', sa.Integer(), server_default='0', nullable=False),
        sa.Column('cursor_user_id', sa.Integer(), server_default='0', nullable=False),
        sa.Column('worker', sa.String(length=64), nullable=True),
        sa.Column('lease_until', schoolchat.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', schoolchat.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', schoolchat.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status in ('queued', 'running', 'done', 'failed')", name=op.f('ck_mass_message_jobs_status')
        ),
        sa.ForeignKeyConstraint(
            ['conversation_id'],
            ['conversations.id'],
            name=op.f('fk_mass_message_jobs_conversation_id_conversations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['messages.id'],
            name=op.f('fk_mass_message_jobs_message_id_messages'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['sender_id'], ['users.id'], name=op.f('fk_mass_message_jobs_sender_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mass_message_jobs')),
    )
    with op.batch_alter_table('mass_message_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_mass_message_jobs_sender', ['sender_id', 'id'], unique=False)
        batch_op.create_index('ix_mass_message_jobs_status', ['status', 'id'], unique=False)

    op.create_table(
        'roster_ids',
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('sourced_id', sa.String(length=255), nullable=False),
        sa.Column('local_id', sa.Integer(), nullable=True),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('deleted', sa.Boolean(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('kind', 'sourced_id', name=op.f('pk_roster_ids')),
    )
    with op.batch_alter_table('roster_ids', schema=None) as batch_op:
        batch_op.create_index('ix_roster_ids_local', ['kind', 'local_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('roster_ids', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_ids_local')
    op.drop_table('roster_ids')
    with op.batch_alter_table('mass_message_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_mass_message_jobs_status')
        batch_op.drop_index('ix_mass_message_jobs_sender')
    op.drop_table('mass_message_jobs')
    op.execute("DELETE FROM conversations WHERE kind = 'mass'")
    _conversation_kinds(_KINDS_BEFORE)
