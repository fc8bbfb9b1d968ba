"""The PostgreSQL pool pings a connection only after it sat idle, and replaces one that died meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from schoolchat.db import Database, engine
from schoolchat.services import Services


def _count_pings(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    dialect = db.engine.sync_engine.dialect
    ping = dialect.do_ping
    pings = [0]

    def counted(dbapi_connection: Any) -> bool:
        pings[0] += 1
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


async def _backend(db: Database) -> int:
    async with db.read() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_reused_at_once_is_not_pinged(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = services.db
    if db.is_sqlite:
        pytest.skip("SQLite has no pool of server connections")
    await _backend(db)
    pings = _count_pings(db, monkeypatch)
    await _backend(db)
    assert pings == [0]
    monkeypatch.setattr(engine, "PING_AFTER_IDLE", 0.0)
    await _backend(db)
    assert pings == [1]


async def test_a_connection_that_died_while_idle_is_replaced_before_use(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = services.db
    if db.is_sqlite:
        pytest.skip("SQLite has no pool of server connections")
    dead = await _backend(db)
    other = Database(db.url, pool_size=1)
    try:
        async with other.read() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    finally:
        await other.dispose()
    monkeypatch.setattr(engine, "PING_AFTER_IDLE", 0.0)
    assert await _backend(db) != dead
