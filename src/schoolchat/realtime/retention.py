"""Pruning the event log after ``event_retention_days``.

The newest event is always kept, so the oldest id left tells clients how far back the log reaches: one whose last
id is older is told to reload (``log.resync``). Every process prunes (``periodic.every``); deleting twice
is harmless.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from schoolchat.db import Database
from schoolchat.db.types import utcnow
from schoolchat.realtime.models import events


async def prune(db: Database, retention: timedelta) -> int:
    """Delete events older than ``retention`` except the newest one; the number deleted."""
    cutoff = utcnow() - retention
    async with db.write() as tx:
        newest = (await tx.conn.execute(select(func.max(events.c.id)))).scalar_one_or_none()
        if newest is None:
            return 0
        result = await tx.conn.execute(
            delete(events).where(events.c.created_at < cutoff, events.c.id < newest)
        )
    return result.rowcount or 0
