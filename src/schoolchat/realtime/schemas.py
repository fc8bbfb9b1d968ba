"""Shapes of the event log as clients read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EventOut(BaseModel):
    id: int
    type: str
    conversation_id: int | None
    payload: dict[str, Any]
    created_at: datetime


class EventsPage(BaseModel):
    events: list[EventOut]
    latest_id: int
    more: bool
    reload: bool = Field(
        default=False,
        description="The log was pruned past `after`: reload the conversations, then go on from `latest_id`.",
    )
