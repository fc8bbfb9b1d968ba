"""Which local object each OneRoster ``sourcedId`` became, so that importing again updates instead of adding.

``kind`` is the OneRoster object type (org, user, class, course, academicSession, enrollment). ``local_id`` is the
org, user or space id (an enrollment: the user), ``parent_id`` the space of an enrollment. Courses and academic
sessions have no local object (classes become courses here) and keep ``local_id`` null.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from schoolchat.db.checks import one_of
from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime
from schoolchat.kinds import RosterJobStatus

roster_ids = Table(
    "roster_ids",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("sourced_id", String(255), primary_key=True),
    Column("local_id", Integer, nullable=True),
    Column("parent_id", Integer, nullable=True),
    Column("deleted", Boolean, nullable=False, server_default="0"),
    Index("ix_roster_ids_local", "kind", "local_id"),
)

# Uploads through the admin API, imported in the background: one running job per org at a time (the partial
# unique index), its progress, and its outcome (the error report, or what was created and updated). A job
# whose process stopped no longer moves its ``heartbeat_at``; it is then marked failed (see roster/jobs.py).
RUNNING = (RosterJobStatus.VALIDATING, RosterJobStatus.WRITING)

roster_jobs = Table(
    "roster_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("filename", String(255), nullable=False),
    Column("status", String(10), nullable=False),
    Column("rows_total", Integer, nullable=False, server_default="0"),
    Column("rows_validated", Integer, nullable=False, server_default="0"),
    Column("rows_written", Integer, nullable=False, server_default="0"),
    Column("error_count", Integer, nullable=False, server_default="0"),
    Column(
        "errors", JSON(none_as_null=True), nullable=True
    ),  # [{file, line, column, code, params}], the first ones
    Column(
        "summary", JSON(none_as_null=True), nullable=True
    ),  # {created, updated, deactivated, skipped_guardians}
    Column("failure", Text, nullable=True),  # why a job stopped (a code), when it was not the roster's rows
    Column("created_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    one_of("status", RosterJobStatus),
    Index(
        "uq_roster_jobs_running",
        "org_id",
        unique=True,
        sqlite_where=text("status in ('validating', 'writing')"),
        postgresql_where=text("status in ('validating', 'writing')"),
    ),
    Index("ix_roster_jobs_org", "org_id", "id"),
)
