"""How times look on the wire: ISO 8601 in UTC with a ``Z``, as pydantic writes the response models' datetimes,
so a client sees one format whether a time came from a model or from a hand-built payload (messages, events)."""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(at: datetime) -> str:
    """``2026-11-27T08:01:02.345678Z`` (fraction only when there is one), for an aware datetime."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
