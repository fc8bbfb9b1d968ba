"""Reports of abuse, the people they are routed to, and the append-only audit log."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from schoolchat.db.checks import one_of
from schoolchat.db.metadata import metadata
from schoolchat.db.types import UTCDateTime
from schoolchat.kinds import ReportCategory, ReportStatus

# Status ``escalated``: the school's safeguarding lead took the report further (with a note); it is not closed.
# The category is chosen by the reporter; old clients that send none, and reports made before categories, are
# ``other``.

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    Column("reporter_id", Integer, ForeignKey("users.id"), nullable=False),
    # The reporter's name is shown to reviewers only when the reported conversation is a 1:1 (§5.5 note).
    Column("reporter_visible", Boolean, nullable=False, server_default="0"),
    Column("reason", Text, nullable=False, server_default=""),
    Column("status", String(10), nullable=False, server_default="open"),
    # What the reported conversation looked like when it was reported; never updated afterwards.
    Column("evidence", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reviewed_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("reviewed_at", UTCDateTime, nullable=True),
    Column("review_note", Text, nullable=True),
    Column("category", String(24), nullable=False, server_default="other"),
    Column("escalated_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("escalated_at", UTCDateTime, nullable=True),
    Column("escalation_note", Text, nullable=True),
    one_of("status", ReportStatus),
    one_of("category", ReportCategory),
    Index("ix_reports_conversation", "conversation_id"),
)

# Who a report went to: the course's or project's teachers, shared teachers, or the school's admins; and the
# safeguarding leads of the schools involved (``safeguarding``).
report_reviewers = Table(
    "report_reviewers",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_report_reviewers_user", "user_id", "report_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("action", String(40), nullable=False),
    Column("object_type", String(20), nullable=False),
    Column("object_id", Integer, nullable=True),
    Column("reason", Text, nullable=True),
    Column("details", JSON, nullable=False),
    Index("ix_audit_log_actor", "actor_id", "id"),
    Index("ix_audit_log_action", "action", "id"),
)

# The orgs whose admins may read an audit row: the schools the object and the actor belong to.
audit_log_orgs = Table(
    "audit_log_orgs",
    metadata,
    Column("audit_id", Integer, ForeignKey("audit_log.id"), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id"), primary_key=True),
    Index("ix_audit_log_orgs_org", "org_id", "audit_id"),
)
