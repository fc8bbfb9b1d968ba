"""API shapes for mass messages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from schoolchat.inputs import Body, EnumText, Id
from schoolchat.kinds import MassJobStatus, SchoolRole
from schoolchat.messages.schemas import CLIENT_ID_PATTERN

# Guardians are not people in schoolchat (the roster import leaves them out), so they cannot be picked.
MassRole = Annotated[SchoolRole, EnumText]


class MassMessageIn(Body):
    org_ids: list[Id] = Field(
        min_length=1,
        max_length=100,
        description="Hierarchy nodes: everyone with a chosen role here or below is reached.",
    )
    roles: list[MassRole] = Field(min_length=1, max_length=3)
    body: str = Field(max_length=100_000)
    client_message_id: str | None = Field(
        default=None,
        pattern=CLIENT_ID_PATTERN,
        description="A retry with the same id answers with the original job.",
    )
    urgent: bool = Field(False, description="Notify even during the schools' quiet hours.")


class MassMessageJobOut(BaseModel):
    id: int
    conversation_id: int
    message_id: int
    org_ids: list[int]
    roles: list[str]
    urgent: bool
    status: MassJobStatus
    total: int = Field(description="Recipients found when the message was accepted.")
    processed: int
    delivered: int
    skipped_disabled: int = Field(
        description="Recipients skipped because their messaging is disabled (§6.4)."
    )
    progress: float = Field(description="0 to 1.")
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    duplicate: bool = False

    @classmethod
    def of(cls, job: Any, *, duplicate: bool = False) -> MassMessageJobOut:
        done = job.status == "done"
        progress = 1.0 if done else (min(job.processed / job.total, 0.99) if job.total else 0.0)
        return cls(
            id=job.id,
            conversation_id=job.conversation_id,
            message_id=job.message_id,
            org_ids=job.org_ids,
            roles=job.roles,
            urgent=job.urgent,
            status=job.status,
            total=job.total,
            processed=job.processed,
            delivered=job.delivered,
            skipped_disabled=job.skipped_disabled,
            progress=progress,
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
            duplicate=duplicate,
        )


class MassTargetOut(BaseModel):
    id: int
    name: str
    kind: str
    parent_id: int | None


class MassTargetsOut(BaseModel):
    orgs: list[MassTargetOut] = Field(description="The hierarchy nodes the caller may send mass messages to.")
    roles: list[MassRole]
