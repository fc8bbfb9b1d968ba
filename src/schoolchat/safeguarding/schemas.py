"""API shapes for safeguarding leads."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class LeadOut(BaseModel):
    id: int
    name: str
    granted_at: datetime
