"""Request and response bodies for erasure and data exports."""

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
    messages_total: int = Field(description="The person's messages with content when the erasure was asked for.")
    messages_erased: int
    kept: list[HeldReport] = Field(description="What legal hold keeps, and why.")


class ExportIn(Body):
    user_id: Id | None = Field(None, description="Whose data; yourself when left out.")


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
