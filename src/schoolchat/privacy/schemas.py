"""Request and response bodies for erasure, data exports and retention."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schoolchat.inputs import Body, Id


class HeldReport(BaseModel):
    report_id: int
    report_status: str
    held_until: str | None = Field(description="When the hold ends; null while the report is open.")
    released_at: str | None = Field(description="When the evidence let the person's content go.")
    reason: str = Field(description="Why the evidence was kept (legal hold).")


class ErasureOut(BaseModel):
    user_id: int
    status: Literal["running", "finished"]
    requested_at: str
    finished_at: str | None
    messages_total: int = Field(
        description="The person's messages with content when the erasure was asked for."
    )
    messages_erased: int
    kept: list[HeldReport] = Field(description="What legal hold keeps, and why.")


class ExportIn(Body):
    user_id: Id | None = Field(default=None, description="Whose data; yourself when left out.")


class ExportOut(BaseModel):
    id: int
    user_id: int
    status: Literal["queued", "running", "ready", "expired", "failed"]
    progress: int = Field(description="Percent done.")
    requested_at: str
    finished_at: str | None
    expires_at: str | None = Field(description="The download link works until then.")
    size: int | None
    download_url: str | None


RetentionKind = Literal["space_messages", "conversation_messages", "mass_messages", "closed_reports"]


class RetentionSettingIn(Body):
    kind: RetentionKind
    days: int | None = Field(description="Days kept (see the kind); null: kept.", ge=1, le=36_500)


class RetentionSettingsIn(Body):
    settings: list[RetentionSettingIn] = Field(
        max_length=4, description="The org's own periods; kinds left out follow the org above it."
    )


class RetentionSettingOut(BaseModel):
    kind: RetentionKind
    days: int | None = Field(description="Days kept; null: kept.")
    source: Literal["this org", "inherited", "default"]
    set_by_org_id: int | None = Field(description="The org whose setting is in force; null: nobody set one.")


class RetentionCounts(BaseModel):
    """Messages per conversation kind, and closed reports."""

    course: int
    project: int
    direct: int
    group: int
    individual: int
    mass: int
    reports: int


class RetentionRunOut(BaseModel):
    id: int
    org_id: int
    status: Literal["running", "finished"]
    requested_at: str
    as_of: str = Field(description="The moment ages are judged by (when the run started).")
    finished_at: str | None
    planned: RetentionCounts = Field(description="What the dry run counted when the run started.")
    removed: RetentionCounts
    progress: int = Field(description="Percent done.")
