"""Conversation and membership tables.

A membership row holds the member's read cursor (``last_read_seq``): unread state is a cursor, not a row
per message per recipient, so a message to a 5,000-member course writes one row.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    text,
)

from schoolchat.db.checks import one_of
from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime
from schoolchat.kinds import ConversationKind, ConversationStatus

conversations = Table(
    "conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("name", String(200), nullable=True),
    Column("space_id", Integer, ForeignKey("spaces.id"), nullable=True),
    # "<low user id>:<high user id>" for 1:1 conversations, so there is exactly one per pair.
    Column("direct_key", String(40), nullable=True, unique=True),
    Column("status", String(10), nullable=False, server_default="open"),
    Column("status_changed_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("status_changed_at", UTCDateTime, nullable=True),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seq", Integer, nullable=False, server_default="0"),
    Column("last_activity_at", UTCDateTime, nullable=False),
    Column("last_message_preview", String(200), nullable=True),
    Column("last_message_sender_id", Integer, ForeignKey("users.id"), nullable=True),
    one_of("kind", ConversationKind),
    one_of("status", ConversationStatus),
    # One live conversation per course or project; deleted ones keep their history beside a new one.
    Index(
        "uq_conversations_live_space",
        "space_id",
        unique=True,
        sqlite_where=text("space_id IS NOT NULL AND status != 'deleted'"),
        postgresql_where=text("space_id IS NOT NULL AND status != 'deleted'"),
    ),
)

memberships = Table(
    "memberships",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # False for a teacher who joined through a report: present with moderation rights, not a formal participant.
    Column("formal", Boolean, nullable=False, server_default="1"),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("left_at", UTCDateTime, nullable=True),
    Column("removed_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("last_read_seq", Integer, nullable=False, server_default="0"),
    # Muted: no badge, no notifications; the entry still shows its unread count (issue 13).
    Column("muted", Boolean, nullable=False, server_default="0"),
    Index("ix_memberships_user", "user_id", "active"),
)

# Who a "Sent to X people" conversation went to; each recipient has their own 1:1 with the sender.
individual_recipients = Table(
    "individual_recipients",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("direct_conversation_id", Integer, ForeignKey("conversations.id"), nullable=False),
)
