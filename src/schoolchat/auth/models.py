"""Credentials handed out at login; only a keyed hash of each token is stored."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

auth_tokens = Table(
    "auth_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # "session" (cookie) or "bearer"
    Column("csrf_token", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)
