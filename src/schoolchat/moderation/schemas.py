"""API shapes for moderation, reports and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from schoolchat.inputs import Body, EnumText
from schoolchat.kinds import ReportCategory


class Confirmed(Body):
    confirm: bool = Field(False, description="Must be true: the step cannot be undone.")
    reason: str | None = Field(None, max_length=2000, description="Kept in the audit log.")


Category = Annotated[ReportCategory, EnumText]


class ReportIn(Body):
    reason: str = Field("", max_length=2000)
    category: Category = Field(ReportCategory.OTHER, description="Chosen by the reporter; clients that send none report "
                                                    "`other`. A `self_harm` concern alerts the school's "
                                                    "safeguarding lead at once, outside digests and quiet hours.")


class ReportCreated(BaseModel):
    report_id: int


class ReportOut(BaseModel):
    id: int
    conversation_id: int
    message_id: int | None
    reporter: dict[str, Any] | None = Field(description="Named only when the reported conversation is a 1:1.")
    reason: str
    category: str = Field(description="bullying, inappropriate_content, self_harm or other (reports made before "
                                      "categories: other).")
    status: str = Field(description="open, escalated (by the safeguarding lead; still open), reviewed or dismissed.")
    escalation: dict[str, Any] | None = Field(description="{by, at, note} once the safeguarding lead escalated it.")
    evidence: dict[str, Any] = Field(description="What the conversation looked like when it was reported; each "
                                                 "message's `versions` are its earlier texts, oldest first, with "
                                                 "when each was written and replaced.")
    conversation_status: str = Field(description="The reported conversation's status now (open, closed or deleted): "
                                                 "a deleted one can be restored from the report (§5.7 note).")
    created_at: datetime
    reviewed_by: int | None
    reviewed_at: datetime | None
    review_note: str | None


class ReportPage(BaseModel):
    reports: list[ReportOut]
    next_before: int | None
    safeguarding_lead: bool = Field(False, description="The caller is a school's safeguarding lead: they may "
                                                       "escalate and read a pupil's report history.")


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
