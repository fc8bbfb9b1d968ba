"""Attachment tables.

A file (``attachments``) is uploaded first and belongs to its uploader until a message links it
(``message_attachments``). One file may be linked to several messages: a "Sent to X people" send writes the same
message into every recipient's 1:1, and forwarding links the original's files to the new message. A file is
removed, row and bytes, when the last message linking it is deleted — unless a report's evidence holds it
(``evidence_attachments``): a reported message's files stay, for its reviewers only, as long as the report does.

``attachment_blobs`` holds the bytes for the shared storage backend (``storage.DatabaseStorage``), in chunks, so
that several processes on several hosts read and write the same files through the database.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uploader_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),  # cleaned for display (``filenames.clean``)
    Column("size", Integer, nullable=False),
    Column("content_type", String(100), nullable=False),  # from the allow-list, never from the client
    Column("storage_key", String(64), nullable=False, unique=True),  # server-chosen, random
    Column("sha256", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_attachments_uploader", "uploader_id", "id"),
)

message_attachments = Table(
    "message_attachments",
    metadata,
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", Integer, ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
    Index("ix_message_attachments_attachment", "attachment_id"),
)

evidence_attachments = Table(
    "evidence_attachments",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", Integer, ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_evidence_attachments_attachment", "attachment_id"),
)

attachment_blobs = Table(
    "attachment_blobs",
    metadata,
    Column("storage_key", String(64), primary_key=True),
    Column("chunk", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
