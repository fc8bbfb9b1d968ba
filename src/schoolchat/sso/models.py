"""An organisation's identity provider, and which sessions it signed in (to offer its end-session URL at logout)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table

from schoolchat.db.metadata import metadata

LINK_KINDS = ("sourced_id", "username", "email")
# The claim each kind of link reads unless the provider is told otherwise.
DEFAULT_LINK_CLAIMS = {"sourced_id": "sub", "username": "preferred_username", "email": "email"}

# One provider per org (a district's serves its schools unless a school has its own). The client secret is
# stored for the token request and never returned by the API.
identity_providers = Table(
    "identity_providers",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(100), nullable=False),  # shown on the button: "Sign in with <name>"
    Column("issuer", String(500), nullable=False),
    Column("client_id", String(255), nullable=False),
    Column("client_secret", String(1000), nullable=False),
    Column("link_by", String(20), nullable=False),
    Column("link_claim", String(200), nullable=False),
    # Scopes asked for besides "openid profile email" (Feide's username needs "userid-feide"), space-separated.
    Column("extra_scopes", String(500), nullable=False, server_default=""),
    Column("password_login", Boolean, nullable=False, server_default="1"),
    CheckConstraint("link_by in ('sourced_id', 'username', 'email')", name="link_by"),
)

sso_sessions = Table(
    "sso_sessions",
    metadata,
    Column("token_id", Integer, ForeignKey("auth_tokens.id", ondelete="CASCADE"), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False, index=True),
)
