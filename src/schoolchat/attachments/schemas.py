"""API shapes for files: one attached to a message, or just uploaded."""

from __future__ import annotations

from pydantic import BaseModel


class AttachmentOut(BaseModel):
    id: int
    name: str
    size: int
    content_type: str
