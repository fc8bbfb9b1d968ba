"""The messages table.

``seq`` numbers messages within their conversation (1, 2, 3, …); read cursors and history pages are keyed on
it. ``(sender_id, client_message_id)`` is unique, which is what makes a retried send return the original.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sender_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("client_message_id", String(64), nullable=True),
    Column("body", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("edited_at", UTCDateTime, nullable=True),
    Column("deleted_at", UTCDateTime, nullable=True),
    Column("deleted_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("forwarded_from_id", Integer, ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    Column("forwarded_from_name", String(120), nullable=True),
    # A recipient's 1:1 copy of a "Sent to X people" message: edited and deleted with it (``messages.erasure``).
    Column("copy_of_id", Integer, nullable=True),
    UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
    UniqueConstraint("sender_id", "client_message_id", name="uq_messages_sender_client_message_id"),
    Index("ix_messages_conversation_seq_sender", "conversation_id", "seq", "sender_id"),
    Index("ix_messages_copy_of", "copy_of_id"),
)

# Every earlier text of an edited message (issue 16): the edit action writes the text it replaces. Rows go with the
# message's content on every delete and erasure (``messages.erasure``); a report freezes them in its evidence.
message_versions = Table(
    "message_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("body", Text, nullable=False),
    Column("written_at", UTCDateTime, nullable=False),  # when this text was sent or last edited in
    Column("replaced_at", UTCDateTime, nullable=False),  # when an edit replaced it
    Index("ix_message_versions_message", "message_id", "id"),
)
