"""The closed sets of words the tables store: kinds, statuses and roles.

Each is a ``StrEnum``, the one list its table's check constraint (``db.checks.one_of``), the policy facts and the
API schemas are built from; a member compares equal to its text, so rows read back compare as they are. The order
of the members is the order of the constraint the migrations wrote.
"""

from __future__ import annotations

from enum import StrEnum


class ConversationKind(StrEnum):
    DIRECT = "direct"  # 1:1
    GROUP = "group"
    COURSE = "course"
    PROJECT = "project"
    INDIVIDUAL = "individual"  # "Sent to X people": the sender's view of a batch of 1:1s
    MASS = "mass"  # a one-way mass message (§6.5), one message shared by every recipient's membership


class ConversationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    DELETED = "deleted"


class ReportStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    REVIEWED = "reviewed"
    DISMISSED = "dismissed"


class ReportCategory(StrEnum):
    BULLYING = "bullying"
    INAPPROPRIATE_CONTENT = "inappropriate_content"
    SELF_HARM = "self_harm"
    OTHER = "other"


class MassJobStatus(StrEnum):
    """A mass message's delivery (``mass_message_jobs``)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RosterJobStatus(StrEnum):
    """A roster import (``roster_jobs``)."""

    VALIDATING = "validating"
    WRITING = "writing"
    DONE = "done"
    FAILED = "failed"


class OrgKind(StrEnum):
    DISTRICT = "district"
    SCHOOL = "school"
    DEPARTMENT = "department"


class SchoolRole(StrEnum):
    """A person's role in an org (``org_roles``)."""

    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


class SpaceKind(StrEnum):
    COURSE = "course"
    PROJECT = "project"


class SpaceRole(StrEnum):
    """A participant's role in a course or project (``space_members``)."""

    TEACHER = "teacher"
    STUDENT = "student"
