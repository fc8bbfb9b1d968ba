"""The pool keeps the connections it opened and opens no more than its size; a request that finds none free
within the pool's wait is answered 503 busy. On PostgreSQL it pings a connection only after it sat idle, and
replaces one that died meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event, text

from schoolchat.app import create_app
from schoolchat.config import Settings
from schoolchat.db import Database, engine
from schoolchat.errors import BUSY_RETRY_AFTER
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services
from tests.factories import Factory
from tests.openapi_check import app_client


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


async def _hold_connections(db: Database, holders: int) -> None:
    async def hold() -> None:
        async with db.read() as conn:
            await conn.execute(text("SELECT 1"))
            await asyncio.sleep(0.02)

    await asyncio.gather(*(hold() for _ in range(holders)))


async def test_a_load_above_the_pool_reuses_its_connections_and_opens_no_more(services: Services) -> None:
    db = Database(services.db.url, pool_size=2)
    opened = [0]
    event.listen(db.engine.sync_engine, "connect", lambda *_: opened.__setitem__(0, opened[0] + 1))
    try:
        await _hold_connections(db, 10)
        await _hold_connections(db, 10)
    finally:
        await db.dispose()
    assert opened == [2]


async def test_a_request_that_finds_every_connection_in_use_is_answered_busy(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "POOL_WAIT", 1.0)  # long enough for the background jobs to hand it back
    db = Database(settings.effective_database_url, pool_size=1)
    services = Services(settings, db, MemoryBus())
    make = Factory(services)
    await make.setup()
    pupil = await make.person()
    try:
        async with app_client(create_app(settings, db=db, bus=services.bus)) as http:
            async with db.read():
                answer = await http.get("/api/conversations", headers=pupil.headers)
            after = await http.get("/api/conversations", headers=pupil.headers)
    finally:
        await db.dispose()
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "busy"
    assert answer.headers["Retry-After"] == str(BUSY_RETRY_AFTER)
    assert after.status_code == 200
