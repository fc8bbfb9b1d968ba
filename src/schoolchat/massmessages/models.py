"""The mass message jobs table.

A mass message is one conversation of kind ``mass`` holding one message, plus a membership row per recipient
(which carries the read cursor, so unread counts and the badge work as for any conversation). The text is stored
once. The job row remembers whom to reach and how far delivery got: recipients are added in batches ordered by
user id, each batch in its own transaction that also moves ``cursor_user_id``, so a job resumes exactly where it
stopped after a crash, in whichever process claims it next.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from schoolchat.db.checks import one_of
from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime
from schoolchat.kinds import MassJobStatus

mass_message_jobs = Table(
    "mass_message_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("sender_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("org_ids", JSON, nullable=False),  # the hierarchy nodes picked; everyone below them is included
    Column("roles", JSON, nullable=False),
    Column("urgent", Boolean, nullable=False, server_default="0"),  # notifications ignore quiet hours
    Column("status", String(10), nullable=False, server_default="queued"),
    Column("total", Integer, nullable=False, server_default="0"),  # recipients found when it was accepted
    Column("processed", Integer, nullable=False, server_default="0"),
    Column("delivered", Integer, nullable=False, server_default="0"),
    Column("skipped_disabled", Integer, nullable=False, server_default="0"),
    Column("cursor_user_id", Integer, nullable=False, server_default="0"),
    # Which process works on it, and until when: a lease another process may take over once it has run out.
    Column("worker", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    one_of("status", MassJobStatus),
    Index("ix_mass_message_jobs_status", "status", "id"),
    Index("ix_mass_message_jobs_sender", "sender_id", "id"),
)
