"""notifications: preferences, school settings, push subscriptions, jobs; mute; urgent mass messages; email

Revision ID: notifications
Revises: erasure
Create Date: 2026-12-01 21:20:00

Email and Web Push notifications (issue 13). ``notification_jobs`` holds one row per message (the send path's
only extra write), ``notification_items`` what a worker expanded it into per person, ``notification_sends`` each
email or push with its delivery state. Memberships gain ``muted``, mass message jobs ``urgent``, users ``email``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'notifications'
down_revision = 'erasure'
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)  # what schoolchat.db.types.UTCDateTime stores


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('muted', sa.Boolean(), server_default='0', nullable=False))
    with op.batch_alter_table('mass_message_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default='0', nullable=False))

    op.create_table(
        'notification_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=10), nullable=False),
        sa.Column('updated_at', _TIME, nullable=False),
        sa.CheckConstraint(
            "email in ('off', 'soon', 'hourly', 'daily')", name=op.f('ck_notification_preferences_email')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'],
            ['users.id'],
            name=op.f('fk_notification_preferences_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preferences')),
    )
    op.create_table(
        'org_notification_settings',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('email_default', sa.String(length=10), server_default='soon', nullable=False),
        sa.Column('include_text', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('quiet_start', sa.SmallInteger(), nullable=True),
        sa.Column('quiet_end', sa.SmallInteger(), nullable=True),
        sa.Column('quiet_weekends', sa.Boolean(), server_default='0', nullable=False),
        sa.CheckConstraint(
            "email_default in ('off', 'soon', 'hourly', 'daily')",
            name=op.f('ck_org_notification_settings_email_default'),
        ),
        sa.ForeignKeyConstraint(
            ['org_id'], ['orgs.id'], name=op.f('fk_org_notification_settings_org_id_orgs'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('org_id', name=op.f('pk_org_notification_settings')),
    )
    op.create_table(
        'push_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=2000), nullable=False),
        sa.Column('p256dh', sa.String(length=200), nullable=False),
        sa.Column('auth', sa.String(length=100), nullable=False),
        sa.Column('created_at', _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
        sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint')),
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_push_subscriptions_user', ['user_id'], unique=False)

    op.create_table(
        'notification_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('urgent', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('status', sa.String(length=10), server_default='queued', nullable=False),
        sa.Column('cursor_user_id', sa.Integer(), server_default='0', nullable=False),
        sa.Column('worker', sa.String(length=64), nullable=True),
        sa.Column('lease_until', _TIME, nullable=True),
        sa.Column('created_at', _TIME, nullable=False),
        sa.CheckConstraint(
            "status in ('queued', 'running', 'done')", name=op.f('ck_notification_jobs_status')
        ),
        sa.ForeignKeyConstraint(
            ['conversation_id'],
            ['conversations.id'],
            name=op.f('fk_notification_jobs_conversation_id_conversations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['messages.id'],
            name=op.f('fk_notification_jobs_message_id_messages'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_jobs')),
    )
    with op.batch_alter_table('notification_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_notification_jobs_status', ['status', 'id'], unique=False)

    op.create_table(
        'notification_sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=5), nullable=False),
        sa.Column('status', sa.String(length=10), server_default='pending', nullable=False),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('next_attempt_at', _TIME, nullable=False),
        sa.Column('worker', sa.String(length=64), nullable=True),
        sa.Column('lease_until', _TIME, nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', _TIME, nullable=False),
        sa.Column('finished_at', _TIME, nullable=True),
        sa.CheckConstraint("channel in ('email', 'push')", name=op.f('ck_notification_sends_channel')),
        sa.CheckConstraint(
            "status in ('pending', 'running', 'sent', 'cancelled', 'failed')",
            name=op.f('ck_notification_sends_status'),
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_notification_sends_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_sends')),
    )
    with op.batch_alter_table('notification_sends', schema=None) as batch_op:
        batch_op.create_index('ix_notification_sends_status', ['status', 'next_attempt_at'], unique=False)

    op.create_table(
        'notification_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=5), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('due_at', _TIME, nullable=False),
        sa.Column('send_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("channel in ('email', 'push')", name=op.f('ck_notification_items_channel')),
        sa.ForeignKeyConstraint(
            ['conversation_id'],
            ['conversations.id'],
            name=op.f('fk_notification_items_conversation_id_conversations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['messages.id'],
            name=op.f('fk_notification_items_message_id_messages'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['send_id'],
            ['notification_sends.id'],
            name=op.f('fk_notification_items_send_id_notification_sends'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_notification_items_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_items')),
        sa.UniqueConstraint(
            'message_id', 'user_id', 'channel', name='uq_notification_items_message_user_channel'
        ),
    )
    with op.batch_alter_table('notification_items', schema=None) as batch_op:
        batch_op.create_index('ix_notification_items_pending', ['send_id', 'due_at'], unique=False)
        batch_op.create_index('ix_notification_items_user', ['user_id', 'channel', 'send_id'], unique=False)


def downgrade() -> None:
    op.drop_table('notification_items')
    op.drop_table('notification_sends')
    op.drop_table('notification_jobs')
    op.drop_table('push_subscriptions')
    op.drop_table('org_notification_settings')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('mass_message_jobs', schema=None) as batch_op:
        batch_op.drop_column('urgent')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('muted')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
