"""Tables of the LTI tool: the platforms registered with it, the launches under way, and the tool's own keys."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

ID_SOURCES = ("platform", "lis")

# A learning platform (Moodle, Canvas, …) registered by an admin of ``org_id``: launches from it sign in people with
# a role in that org or below, and open its courses.
lti_platforms = Table(
    "lti_platforms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("issuer", String(500), nullable=False),
    Column("client_id", String(255), nullable=False),
    Column("deployment_ids", JSON, nullable=False),  # the deployments of schoolchat on that platform
    Column("jwks_url", String(1000), nullable=False),
    Column("auth_login_url", String(1000), nullable=False),
    Column("auth_token_url", String(1000), nullable=False, server_default=""),
    # Which roster ids the platform's launches carry: "platform" (the roster came from the platform: `sub` and
    # `context.id`) or "lis" (from the same SIS: the lis person and course section sourcedIds).
    Column("id_source", String(10), nullable=False, server_default="platform"),
    Column(
        "frame_origins", JSON, nullable=False
    ),  # the origins of the platform's pages that frame schoolchat
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
    CheckConstraint("id_source in ('platform', 'lis')", name="id_source"),
)

# A login initiation waiting for its launch: ``state`` comes back with the id_token, whose ``nonce`` must be this one.
# Single use (``used_at``), and only for a few minutes.
lti_launch_states = Table(
    "lti_launch_states",
    metadata,
    Column("state", String(64), primary_key=True),
    Column("platform_id", Integer, ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Index("ix_lti_launch_states_platform", "platform_id", "expires_at"),
)

# The tool's signing keys, made by schoolchat on first use (never shipped or committed); the newest signs.
lti_tool_keys = Table(
    "lti_tool_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_jwk", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
