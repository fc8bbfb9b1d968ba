"""``Database.write()``: atomic, durable on return, and — on SQLite, where writers that queue up share one commit
(group commit) — a failing writer never loses or duplicates the work of the others in its batch."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import IntegrityError

from schoolchat.db import Database
from schoolchat.db.types import utcnow
from schoolchat.people.models import users
from schoolchat.services import Services


class Boom(Exception):
    pass


def _user(username: str) -> dict[str, object]:
    return {"username": username, "password_hash": "x", "name": username, "created_at": utcnow()}


async def _usernames(db: Database, prefix: str) -> list[str]:
    async with db.read() as conn:
        return sorted(
            (
                await conn.execute(select(users.c.username).where(users.c.username.like(f"{prefix}%")))
            ).scalars()
        )


def _count_commits(db: Database) -> list[int]:
    commits = [0]

    @event.listens_for(db.engine.sync_engine, "commit")
    def _on_commit(_conn: object) -> None:
        commits[0] += 1

    return commits


async def _writer(
    db: Database,
    username: str,
    *,
    fail: bool = False,
    hold: asyncio.Event | None = None,
    log: list[str] | None = None,
) -> str:
    async with db.write() as tx:
        if hold is not None:
            await hold.wait()  # the others queue up behind this writer meanwhile
        await tx.conn.execute(insert(users).values(**_user(username)))
        if fail:
            raise Boom(username)
        if log is not None:
            tx.on_commit(lambda: _note(log, username))
    return username


async def _note(log: list[str], username: str) -> None:
    log.append(username)


async def _queued_behind(
    db: Database, first: asyncio.Task[str], others: list[asyncio.Task[str]], hold: asyncio.Event
) -> None:
    """Let every task reach the write lock while ``first`` holds it, then let ``first`` go on (PostgreSQL has no
    such lock: its writers run side by side)."""
    if not db.is_sqlite:
        await asyncio.sleep(0.1)
    while db.is_sqlite and not first.done() and db._waiting < len(others):
        await asyncio.sleep(0)
    hold.set()


async def test_a_failing_writer_in_a_shared_commit_loses_and_duplicates_nothing(services: Services) -> None:
    db = services.db
    commits = _count_commits(db)
    hold, log = asyncio.Event(), []
    first = asyncio.create_task(_writer(db, "gc-0", hold=hold, log=log))
    await asyncio.sleep(0)
    others = [asyncio.create_task(_writer(db, f"gc-{i}", fail=i in (2, 5), log=log)) for i in range(1, 8)]
    await _queued_behind(db, first, others, hold)
    results = await asyncio.gather(first, *others, return_exceptions=True)

    assert [type(r).__name__ if isinstance(r, BaseException) else r for r in results] == [
        "gc-0",
        "gc-1",
        "Boom",
        "gc-3",
        "gc-4",
        "Boom",
        "gc-6",
        "gc-7",
    ]
    assert await _usernames(db, "gc-") == ["gc-0", "gc-1", "gc-3", "gc-4", "gc-6", "gc-7"]
    assert sorted(log) == [
        "gc-0",
        "gc-1",
        "gc-3",
        "gc-4",
        "gc-6",
        "gc-7",
    ]  # after-commit work of each success
    if db.is_sqlite:
        assert commits[0] == 1  # the eight writers queued behind one another shared one commit


async def test_a_unique_violation_in_a_shared_commit_only_undoes_that_writer(services: Services) -> None:
    db = services.db
    hold = asyncio.Event()
    first = asyncio.create_task(_writer(db, "uv-a", hold=hold))
    await asyncio.sleep(0)
    others = [asyncio.create_task(_writer(db, name)) for name in ("uv-b", "uv-a", "uv-c")]
    await _queued_behind(db, first, others, hold)
    results = await asyncio.gather(first, *others, return_exceptions=True)

    assert [r for r in results if isinstance(r, str)] in (["uv-a", "uv-b", "uv-c"], ["uv-b", "uv-a", "uv-c"])
    assert [type(r) for r in results if not isinstance(r, str)] == [IntegrityError]
    if services.db.is_sqlite:  # the writers ran in the order they queued: the second "uv-a" failed
        assert isinstance(results[2], IntegrityError)
    assert await _usernames(db, "uv-") == ["uv-a", "uv-b", "uv-c"]


async def test_when_the_first_writer_of_a_batch_fails_the_queued_ones_still_commit(
    services: Services,
) -> None:
    db = services.db
    hold = asyncio.Event()
    first = asyncio.create_task(_writer(db, "ff-0", hold=hold, fail=True))
    await asyncio.sleep(0)
    others = [asyncio.create_task(_writer(db, f"ff-{i}")) for i in range(1, 4)]
    await _queued_behind(db, first, others, hold)
    results = await asyncio.gather(first, *others, return_exceptions=True)

    assert isinstance(results[0], Boom) and results[1:] == ["ff-1", "ff-2", "ff-3"]
    assert await _usernames(db, "ff-") == ["ff-1", "ff-2", "ff-3"]


async def test_a_write_is_committed_and_visible_to_other_connections_when_it_returns(
    services: Services,
) -> None:
    db = services.db
    for i in range(3):
        await _writer(db, f"seq-{i}")
        assert await _usernames(db, "seq-") == [f"seq-{j}" for j in range(i + 1)]
    other = Database(db.url)  # another engine on the same database, as another process would have
    try:
        assert await _usernames(other, "seq-") == ["seq-0", "seq-1", "seq-2"]
    finally:
        await other.dispose()


async def test_many_concurrent_writers_each_commit_exactly_once(services: Services) -> None:
    db = services.db
    results = await asyncio.gather(
        *(_writer(db, f"many-{i:03}", fail=i % 10 == 3) for i in range(100)), return_exceptions=True
    )
    wanted = [f"many-{i:03}" for i in range(100) if i % 10 != 3]
    assert [r for r in results if isinstance(r, str)] == wanted
    assert await _usernames(db, "many-") == wanted
    async with db.read() as conn:
        assert (
            await conn.execute(select(func.count()).select_from(users).where(users.c.username.like("many-%")))
        ).scalar_one() == 90


@pytest.mark.parametrize("fail", [False, True])
async def test_a_writer_cancelled_while_others_wait_does_not_strand_them(
    services: Services, fail: bool
) -> None:
    db = services.db
    hold = asyncio.Event()
    first = asyncio.create_task(_writer(db, "cx-0", hold=hold, fail=fail))
    await asyncio.sleep(0)
    doomed = asyncio.create_task(_writer(db, "cx-doomed"))
    others = [asyncio.create_task(_writer(db, f"cx-{i}")) for i in range(1, 3)]
    await _queued_behind(db, first, [doomed, *others], hold)
    doomed.cancel()
    results = await asyncio.wait_for(asyncio.gather(first, *others, return_exceptions=True), timeout=20)
    assert results[1:] == ["cx-1", "cx-2"]
    expected = ["cx-1", "cx-2"] if fail else ["cx-0", "cx-1", "cx-2"]
    assert [n for n in await _usernames(db, "cx-") if n != "cx-doomed"] == expected


async def test_if_a_failed_writer_cannot_be_undone_no_writer_of_its_batch_reports_success(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = services.db
    if not db.is_sqlite:
        pytest.skip("PostgreSQL writers do not share transactions")
    from schoolchat.db.engine import _LoopConnection

    real_run_now = _LoopConnection.run_now

    def failing_rollback_to(self: _LoopConnection, sql: str, parameters: Any) -> list[Any]:
        if sql.startswith("ROLLBACK TO"):
            raise RuntimeError("ROLLBACK TO SAVEPOINT failed")
        return real_run_now(self, sql, parameters)

    monkeypatch.setattr(_LoopConnection, "run_now", failing_rollback_to)
    hold = asyncio.Event()
    first = asyncio.create_task(_writer(db, "rb-0", hold=hold))
    await asyncio.sleep(0)
    others = [asyncio.create_task(_writer(db, "rb-1", fail=True))]
    await _queued_behind(db, first, others, hold)
    results = await asyncio.gather(first, *others, return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and isinstance(
        results[1], RuntimeError
    )  # rb-0 was not committed
    assert await _usernames(db, "rb-") == []
    assert await _writer(db, "rb-2") == "rb-2"  # the next write starts afresh
    assert await _usernames(db, "rb-") == ["rb-2"]


async def test_a_writer_waits_for_another_processs_write_lock_without_stopping_the_loop(
    services: Services,
) -> None:
    db = services.db
    if not db.is_sqlite:
        pytest.skip("SQLite's write lock; PostgreSQL writers wait on rows")
    await _writer(db, "locked-before")  # the service is running: its connection is open
    other = sqlite3.connect(db.url.split(":///", 1)[1], isolation_level=None)  # as another process would
    try:
        other.execute("BEGIN IMMEDIATE")
        writer = asyncio.create_task(_writer(db, "locked-out"))
        ticks = 0
        while ticks < 20:  # the loop runs on while the writer waits for the lock
            await asyncio.sleep(0.01)
            ticks += 1
        assert not writer.done()
        other.execute("COMMIT")
        assert await writer == "locked-out"
    finally:
        other.close()
    assert await _usernames(db, "locked-") == ["locked-before", "locked-out"]
