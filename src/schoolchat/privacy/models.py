"""Erasures of people, the legal holds they leave on reports' evidence, data exports, and retention."""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table

from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime

# One erasure of a person (GDPR Art. 17): the account is a tombstone at once; the job erases their messages in
# batches (``messages_erased`` of ``messages_total``) and sets ``finished_at`` when none is left.
person_erasures = Table(
    "person_erasures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, unique=True),
    Column("requested_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("messages_total", Integer, nullable=False),
    Column("messages_erased", Integer, nullable=False, server_default="0"),
    Column("finished_at", UTCDateTime, nullable=True),
    Index("ix_person_erasures_running", "finished_at", "id"),
)

# A report whose frozen evidence holds an erased person's content (Art. 17(3)(b)(e)): kept for its reviewers
# until the report is closed and the hold period has passed; ``released_at`` when the evidence let it go.
legal_holds = Table(
    "legal_holds",
    metadata,
    Column("erasure_id", Integer, ForeignKey("person_erasures.id"), primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("released_at", UTCDateTime, nullable=True),
    Index("ix_legal_holds_report", "report_id"),
)

EXPORT_STATUSES = ("queued", "running", "ready", "expired", "failed")

# An access/portability export (GDPR Art. 15 and 20) of one person, asked for by them or an admin of theirs. The
# job builds one zip (``storage_key`` in the file store); it can be downloaded by its requester until ``expires_at``.
data_exports = Table(
    "data_exports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("requested_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("status", String(10), nullable=False, server_default="queued"),
    Column("progress", Integer, nullable=False, server_default="0"),  # percent
    Column("finished_at", UTCDateTime, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("storage_key", String(64), nullable=True),
    Column("size", Integer, nullable=True),
    CheckConstraint("status in ('queued', 'running', 'ready', 'expired', 'failed')", name="status"),
    Index("ix_data_exports_status", "status", "id"),
)

RETENTION_KINDS = ("space_messages", "conversation_messages", "mass_messages", "closed_reports")

# An org's own retention settings (``policy.retention``), one row per kind it sets: ``days`` (NULL: kept). A kind
# without a row follows the nearest ancestor's.
retention_settings = Table(
    "retention_settings",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("days", Integer, nullable=True),
    CheckConstraint(
        "kind in ('space_messages', 'conversation_messages', 'mass_messages', 'closed_reports')", name="kind"
    ),
    CheckConstraint("days is null or days >= 1", name="days"),
)

# One retention run over an org and everything below it, asked for by an admin (or by the daily round, with no
# ``requested_by``). ``as_of`` is the moment it judges ages by, fixed when it starts, so the run removes what
# its dry run counted and resumes where it stopped. ``planned`` and ``removed`` count per conversation kind, and
# ``reports``.
retention_runs = Table(
    "retention_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("requested_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("as_of", UTCDateTime, nullable=False),
    Column("planned", JSON, nullable=False),
    Column("removed", JSON, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Index("ix_retention_runs_running", "finished_at", "id"),
    Index("ix_retention_runs_org", "org_id", "id"),
)
