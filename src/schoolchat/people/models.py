"""Tables for people, organisations, courses and projects."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from schoolchat.db.checks import one_of
from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime
from schoolchat.kinds import OrgKind, SchoolRole, SpaceKind, SpaceRole
from schoolchat.policy.communication import Scope

ROLE_RANK: dict[str, int] = {SchoolRole.STUDENT: 0, SchoolRole.TEACHER: 1, SchoolRole.ADMIN: 2}

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("name", String(120), nullable=False),
    Column("title", String(120), nullable=False, server_default=""),
    Column("avatar_url", String(500), nullable=True),
    # Where notification emails go (issue 13); lower-cased, and an identity provider may sign the person in by it
    # when it vouches for it (email_verified).
    Column("email", String(254), nullable=True, index=True),
    Column("messaging_disabled", Boolean, nullable=False, server_default="0"),
    Column("mass_messaging", Boolean, nullable=False, server_default="0"),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    # When a teacher usually answers: {"start": "08:00", "end": "16:00", "days": [1..7 ISO weekdays]}, or NULL.
    Column("working_hours", JSON(none_as_null=True), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Set when the person was erased (GDPR Art. 17): the row is a tombstone, "Former user" in what others see.
    Column("erased_at", UTCDateTime, nullable=True),
    # The language the person chose ('nb', 'nn', 'en'); NULL: their school's default, else the browser's.
    Column("language", String(2), nullable=True),
    CheckConstraint("language in ('nb', 'nn', 'en')", name="language"),
)

orgs = Table(
    "orgs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parent_id", Integer, ForeignKey("orgs.id"), nullable=True, index=True),
    # §6.4: messaging switched off for everyone with a role here or below.
    Column("messaging_disabled", Boolean, nullable=False, server_default="0"),
    # The IANA time zone that working hours (and quiet hours) are read in.
    Column("time_zone", String(64), nullable=False, server_default="Europe/Oslo"),
    # The language of people here who chose none ('nb', 'nn', 'en'); NULL: the parent org's, else the browser's.
    Column("default_language", String(2), nullable=True),
    one_of("kind", OrgKind),
    CheckConstraint("default_language in ('nb', 'nn', 'en')", name="default_language"),
)


def _messaging_off_index(table: Table) -> Index:
    """Only the rows with messaging off (usually none), under the condition the checks write: every send asks
    for them, and without it each ask read every person or org."""
    off = table.c.messaging_disabled.is_(True)
    return Index(f"ix_{table.name}_messaging_off", table.c.id, sqlite_where=off, postgresql_where=off)


_messaging_off_index(users)
_messaging_off_index(orgs)

# A person's role in one school (or district); a person can hold roles in several.
org_roles = Table(
    "org_roles",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),
    one_of("role", SchoolRole),
    Index("ix_org_roles_org", "org_id", "role"),
)

# Courses and projects are the same shape: a named space in a school with teachers and students.
spaces = Table(
    "spaces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("name", String(200), nullable=False),
    Column("org_id", Integer, ForeignKey("orgs.id"), nullable=False, index=True),
    Column("description", Text, nullable=False, server_default=""),
    # §6.4: the course's or project's conversation is switched off (history stays readable).
    Column("messaging_disabled", Boolean, nullable=False, server_default="0"),
    # The day the course or project ended (set by an admin; a roster import could fill it): its conversation's
    # messages are kept for the retention period after it (``policy.retention``). NULL: it has not ended.
    Column("ends_on", Date, nullable=True),
    one_of("kind", SpaceKind),
)

space_members = Table(
    "space_members",
    metadata,
    Column("space_id", Integer, ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(10), nullable=False),
    one_of("role", SpaceRole),
    Index("ix_space_members_user", "user_id"),
)

# Per-school communication rules: may someone with sender_role start a conversation with someone with
# recipient_role, and within which scope. Missing rows fall back to the defaults in policy/communication.py.
communication_rules = Table(
    "communication_rules",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("sender_role", String(20), primary_key=True),
    Column("recipient_role", String(20), primary_key=True),
    Column("scope", String(20), nullable=False),
    one_of("scope", Scope),
)
