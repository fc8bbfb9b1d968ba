"""Making event ids commit in the order they are handed out, on either dialect.

A client resyncs with "everything after the last id I saw", which is only lossless if no event with a smaller id
can still commit after a larger one. SQLite already serialises writers. On PostgreSQL two transactions could take
ids 10 and 11 and commit 11 first, so the event log takes a transaction-scoped advisory lock just before it
inserts its rows, as the transaction's last statements: the lock is held from id allocation to commit and nothing
else is locked after it, so it cannot deadlock. The lock, the event rows and the ``COMMIT`` go to PostgreSQL in
one pipeline (``Prepared.later``), so the lock is held for the server's time alone, never across a round trip.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from schoolchat.db.engine import Tx
from schoolchat.db.prepared import Prepared

_EVENT_LOG_LOCK = 0x5C_EE_01  # an arbitrary application-wide advisory lock key
_LOCK = Prepared(select(func.pg_advisory_xact_lock(bindparam("key"))))


async def lock_event_order(tx: Tx) -> None:
    """Take the event log's lock as part of the transaction's tail, before its event rows are written."""
    if tx.conn.dialect.name == "postgresql":
        await _LOCK.later(tx, key=_EVENT_LOG_LOCK)
