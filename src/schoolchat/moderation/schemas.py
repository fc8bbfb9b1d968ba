"""API shapes for moderation, reports and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from schoolchat.answers import Answer
from schoolchat.conversations.schemas import ConversationRef
from schoolchat.inputs import Body, EnumText
from schoolchat.kinds import ConversationStatus, ReportCategory, ReportStatus
from schoolchat.messages.schemas import MessageOut
from schoolchat.people.schemas import PersonRef


class Confirmed(Body):
    confirm: bool = Field(False, description="Must be true: the step cannot be undone.")
    reason: str | None = Field(default=None, max_length=2000, description="Kept in the audit log.")


Category = Annotated[ReportCategory, EnumText]


class ReportIn(Body):
    reason: str = Field("", max_length=2000)
    category: Category = Field(
        ReportCategory.OTHER,
        description="Chosen by the reporter; clients that send none report "
        "`other`. A `self_harm` concern alerts the school's "
        "safeguarding lead at once, outside digests and quiet hours.",
    )


class ReportCreated(BaseModel):
    report_id: int


class VersionOut(BaseModel):
    body: str
    written_at: datetime
    replaced_at: datetime


class EvidenceMessageOut(MessageOut):
    """A message as it was when the report froze it, with what only the report's reviewers see."""

    versions: list[VersionOut] = Field(
        default_factory=list,
        description="Its earlier texts, oldest first, with when each was written and replaced.",
    )
    kept_as_evidence: str | None = Field(
        default=None,
        description="Set when the message was deleted from the conversation since: it is kept only here.",
    )


class EvidenceOut(BaseModel):
    conversation: ConversationRef
    reported_seq: int | None = Field(
        description="The reported message's place; null for a whole conversation."
    )
    messages: list[EvidenceMessageOut]


class EscalationOut(BaseModel):
    by: int | None
    at: datetime
    note: str | None


class ReportOut(BaseModel):
    id: int
    conversation_id: int
    message_id: int | None
    reporter: PersonRef | None = Field(description="Named only when the reported conversation is a 1:1.")
    reason: str
    category: ReportCategory = Field(description="Reports made before categories: other.")
    status: ReportStatus = Field(description="escalated: by the safeguarding lead, and still open.")
    escalation: EscalationOut | None = Field(description="Once the safeguarding lead escalated it.")
    evidence: EvidenceOut = Field(description="What the conversation looked like when it was reported.")
    conversation_status: ConversationStatus = Field(
        description="The reported conversation's status now: "
        "a deleted one can be restored from the report (§5.7 note)."
    )
    created_at: datetime
    reviewed_by: int | None
    reviewed_at: datetime | None
    review_note: str | None


class ReportPage(Answer):
    reports: list[ReportOut]
    next_before: int | None
    safeguarding_lead: bool = Field(
        False,
        description="The caller is a school's safeguarding lead: they may "
        "escalate and read a pupil's report history.",
    )


class ReviewIn(Body):
    status: Literal["reviewed", "dismissed"]
    note: str = Field("", max_length=2000)


class EscalateIn(Body):
    note: str = Field(max_length=2000, description="What was done and to whom it was passed on (required).")


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    object_type: str
    object_id: int | None
    reason: str | None
    details: dict[str, Any]


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    next_before: int | None
