"""Engine creation and the two kinds of transaction every action and query uses.

SQLite and PostgreSQL differ here and nowhere else:
- SQLite runs in WAL mode with foreign keys on; write transactions start with ``BEGIN IMMEDIATE`` and are
  serialised by an in-process lock, so a writer never fails half-way on a lock upgrade.
- PostgreSQL relies on row locks (``UPDATE … RETURNING`` on the conversation row serialises sends to one
  conversation) and runs at READ COMMITTED.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


@dataclass
class Tx:
    """A write transaction: the connection, what it will publish, and work to run only once it has committed."""

    conn: AsyncConnection
    outbox: list[Any] = field(default_factory=list)
    before_commit: list[AfterCommit] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=list)

    def on_commit(self, callback: AfterCommit) -> None:
        self.after_commit.append(callback)

    def on_before_commit(self, callback: AfterCommit) -> None:
        """Run ``callback`` as the transaction's last statements (the event log is written there)."""
        self.before_commit.append(callback)


class Database:
    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        if self.is_sqlite:
            _configure_sqlite(self.engine, sqlite_synchronous)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only snapshot; rolled back on exit."""
        async with self.engine.connect() as conn:
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """One atomic write: commits on success, rolls back on any exception, then runs after-commit work."""
        async with self._write_lock or nullcontext():
            async with self.engine.connect() as conn:
                if self.is_sqlite:
                    await conn.execution_options(writer=True)
                tx = Tx(conn)
                async with conn.begin():
                    yield tx
                    for before in tx.before_commit:
                        await before()
        for callback in tx.after_commit:
            try:
                await callback()
            except Exception:  # the write is committed; a failed notification must not undo the answer
                log.exception("after-commit callback failed")


def _configure_sqlite(engine: AsyncEngine, synchronous: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "foreign_keys=ON", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")


def is_unique_violation(exc: IntegrityError) -> bool:
    """True when the integrity error is a UNIQUE (not a foreign key or check) violation, on either dialect."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate is not None:
        return sqlstate == "23505"
    return "UNIQUE constraint failed" in str(orig)
