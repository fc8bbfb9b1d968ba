"""Notification tables: preferences, school settings, push subscriptions, and the three durable work queues.

The send path writes one ``notification_jobs`` row per message (never a row per recipient). A worker expands a
job, in batches of members keyed on user id, into ``notification_items`` (one per person, channel and message,
due when their preference and the school's quiet hours allow). Due items of one person and channel are grouped
into one ``notification_sends`` row (one email, one push), which a worker delivers under a lease. Items and
sends hold ids only, never message text: an email is rendered from the current rows when it is sent.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

EMAIL_MODES = ("off", "soon", "hourly", "daily")
CHANNELS = ("email", "push")

notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("email", String(10), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("email in ('off', 'soon', 'hourly', 'daily')", name="email"),
)

# A school's (or district's) settings; a person follows the nearest org above their role that has a row.
org_notification_settings = Table(
    "org_notification_settings",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("email_default", String(10), nullable=False, server_default="soon"),
    Column("include_text", Boolean, nullable=False, server_default="0"),
    # Quiet hours as minutes after midnight on the person's school clock (orgs.time_zone); both null means none. start > end spans midnight.
    Column("quiet_start", SmallInteger, nullable=True),
    Column("quiet_end", SmallInteger, nullable=True),
    Column("quiet_weekends", Boolean, nullable=False, server_default="0"),
    CheckConstraint("email_default in ('off', 'soon', 'hourly', 'daily')", name="email_default"),
)

push_subscriptions = Table(
    "push_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint", String(2000), nullable=False, unique=True),
    Column("p256dh", String(200), nullable=False),
    Column("auth", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_push_subscriptions_user", "user_id"),
)

# One per message that may notify someone; expanded by a worker under a lease (like mass message delivery).
notification_jobs = Table(
    "notification_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("urgent", Boolean, nullable=False, server_default="0"),  # an admin's urgent mass message
    Column("status", String(10), nullable=False, server_default="queued"),
    Column("cursor_user_id", Integer, nullable=False, server_default="0"),
    Column("worker", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("status in ('queued', 'running', 'done')", name="status"),
    Index("ix_notification_jobs_status", "status", "id"),
)

# A person may be told about a message on a channel from ``due_at``; ``send_id`` is the email/push that carries it.
notification_items = Table(
    "notification_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(5), nullable=False),
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    # Null for a safeguarding alert: it names the report (a self-harm concern), not a message.
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=True),
    Column("due_at", UTCDateTime, nullable=False),
    Column("send_id", Integer, ForeignKey("notification_sends.id", ondelete="CASCADE"), nullable=True),
    CheckConstraint("channel in ('email', 'push')", name="channel"),
    UniqueConstraint("message_id", "user_id", "channel", name="uq_notification_items_message_user_channel"),
    Index("ix_notification_items_pending", "send_id", "due_at"),
    Index("ix_notification_items_user", "user_id", "channel", "send_id"),
)

SEND_STATUSES = ("pending", "running", "sent", "cancelled", "failed")

# One email or one push to one person; delivered under a lease, retried with back-off, marked sent once accepted.
notification_sends = Table(
    "notification_sends",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(5), nullable=False),
    Column("status", String(10), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("worker", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    CheckConstraint("channel in ('email', 'push')", name="channel"),
    CheckConstraint("status in ('pending', 'running', 'sent', 'cancelled', 'failed')", name="status"),
    Index("ix_notification_sends_status", "status", "next_attempt_at"),
)
