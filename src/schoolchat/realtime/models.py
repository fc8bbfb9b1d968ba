"""The event log: every committed change appends typed events with a global, increasing id.

An event is addressed to a conversation's members (``conversation_id``), to one user (``user_id``), or both
(only that user, about that conversation). ``message_id`` names the message whose content an event carries
(``message.*``), so that deleting or editing it rewrites those events in the same transaction
(``messages.erasure``).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("type", String(40), nullable=False),
    Column("conversation_id", Integer, nullable=True),
    Column("user_id", Integer, nullable=True),
    Column("message_id", Integer, nullable=True),
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_events_conversation", "conversation_id", "id"),
    Index("ix_events_user", "user_id", "id"),
    Index("ix_events_created", "created_at"),
    Index("ix_events_message", "message_id"),
    sqlite_autoincrement=True,  # ids are never reused, even after the log is pruned
)
