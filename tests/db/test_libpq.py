"""``db.libpq``: the hot statements' pipelines beneath psycopg's cursors, on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import DBAPIError

from schoolchat.db.libpq import numbered
from schoolchat.db.prepared import Prepared, together
from schoolchat.people.models import users
from schoolchat.services import Services

_COUNT = Prepared(select(func.count()).select_from(users).where(users.c.username == bindparam("username")))
_SLEEP = Prepared(select(func.pg_sleep(bindparam("seconds"))))


@pytest.fixture
def postgresql(services: Services) -> Services:
    if services.db.is_sqlite:
        pytest.skip("libpq pipelines are PostgreSQL's; SQLite runs statements inline")
    return services


def test_placeholders_become_numbered_once_per_name_and_percent_signs_unescape() -> None:
    sql, order = numbered("SELECT %(a)s, %(b)s WHERE x LIKE 'p%%' OR y = %(a)s")
    assert (sql, order) == (b"SELECT $1, $2 WHERE x LIKE 'p%' OR y = $1", ("a", "b"))


async def test_a_statement_prepared_on_a_connection_still_runs_after_a_rollback_there(
    postgresql: Services,
) -> None:
    db = postgresql.db
    async with db.engine.connect() as conn:  # one connection throughout: the statement is prepared on it
        await conn.begin()
        assert await _COUNT.scalar(conn, username="nobody") == 0
        await conn.rollback()
        await conn.exec_driver_sql("SELECT 1")  # psycopg's own statements after the rollback
        await conn.rollback()
        assert await _COUNT.scalar(conn, username="nobody") == 0


async def test_a_failed_statement_raises_and_the_connection_serves_the_next_transaction(
    postgresql: Services,
) -> None:
    db = postgresql.db
    async with db.engine.connect() as conn:
        await conn.begin()
        with pytest.raises(DBAPIError):
            await together(conn, (_COUNT, {"username": "a"}), (Prepared(text("SELECT 1/0 = 1")), {}))
        await conn.rollback()
        await conn.begin()
        assert await _COUNT.scalar(conn, username="a") == 0
        await conn.rollback()


async def test_a_wait_cut_short_closes_its_connection_and_the_pool_hands_out_a_working_one(
    postgresql: Services,
) -> None:
    db = postgresql.db

    async def sleep_in_a_transaction() -> None:
        async with db.write() as tx:
            await _SLEEP.all(tx.conn, seconds=5)

    task = asyncio.ensure_future(sleep_in_a_transaction())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(db.engine.pool.size() + 1):  # every pooled connection answers
        async with db.read() as conn:
            assert await _COUNT.scalar(conn, username="nobody") == 0
