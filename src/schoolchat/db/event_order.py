"""Making event ids commit in the order they are handed out, on either dialect.

A client resyncs with "everything after the last id I saw", which is only lossless if no event with a smaller id
can still commit after a larger one. SQLite already serialises writers. On PostgreSQL two transactions could take
ids 10 and 11 and commit 11 first, so the event log takes a transaction-scoped advisory lock just before it
inserts its rows, as the transaction's last statements: the lock is held from id allocation to commit and nothing
else is locked after it, so it cannot deadlock.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_EVENT_LOG_LOCK = 0x5C_EE_01  # an arbitrary application-wide advisory lock key


async def lock_event_order(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVENT_LOG_LOCK})
