"""``Prepared``: a statement run straight on the driver answers exactly as the same statement through
SQLAlchemy does, inside the caller's transaction, on either dialect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from schoolchat.db import Database
from schoolchat.db.engine import is_unique_violation
from schoolchat.db.expressions import among
from schoolchat.db.prepared import Prepared, together
from schoolchat.db.types import utcnow
from schoolchat.people.models import users
from schoolchat.realtime.models import events
from schoolchat.services import Services

_NEW_USER = Prepared(
    insert(users)
    .values(
        {
            column: bindparam(column)
            for column in ("username", "password_hash", "name", "messaging_disabled", "created_at")
        }
    )
    .returning(users.c.id)
)
_USER = Prepared(
    select(
        users.c.id, users.c.name.label("display_name"), users.c.messaging_disabled, users.c.created_at
    ).where(users.c.username == bindparam("username"))
)
_RENAME = Prepared(
    update(users).where(users.c.username == bindparam("username")).values(name=bindparam("name"))
)


async def _add(
    services: Services, username: str, *, disabled: bool = False, created_at: datetime | None = None
) -> int:
    async with services.db.write() as tx:
        return await _NEW_USER.scalar(
            tx.conn,
            username=username,
            password_hash="x",
            name=username.title(),
            messaging_disabled=disabled,
            created_at=created_at or utcnow(),
        )


async def test_rows_match_what_sqlalchemy_returns_types_and_labels_included(services: Services) -> None:
    created = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    user_id = await _add(services, "prep.one", disabled=True, created_at=created)
    async with services.db.read() as conn:
        fast = await _USER.first(conn, username="prep.one")
        core = (await conn.execute(_USER.statement, {"username": "prep.one"})).one()
    assert tuple(fast) == tuple(core) == (user_id, "Prep.One", True, created.astimezone(UTC))
    assert fast.display_name == "Prep.One" and fast.created_at.tzinfo == UTC
    assert fast.messaging_disabled is True


async def test_no_row_gives_none(services: Services) -> None:
    async with services.db.read() as conn:
        assert await _USER.first(conn, username="nobody") is None
        assert await _USER.scalar(conn, username="nobody") is None
        assert await _USER.all(conn, username="nobody") == []


async def test_a_write_commits_and_rolls_back_with_the_callers_transaction(services: Services) -> None:
    await _add(services, "prep.two")
    with pytest.raises(RuntimeError):
        async with services.db.write() as tx:
            await _RENAME.all(tx.conn, username="prep.two", name="Renamed")
            raise RuntimeError("undo")
    async with services.db.read() as conn:
        assert (await _USER.first(conn, username="prep.two")).display_name == "Prep.Two"
    async with services.db.write() as tx:
        await _RENAME.all(tx.conn, username="prep.two", name="Renamed")
    async with services.db.read() as conn:
        assert (await _USER.first(conn, username="prep.two")).display_name == "Renamed"


async def test_a_unique_violation_is_sqlalchemys_integrity_error(services: Services) -> None:
    await _add(services, "prep.three")
    with pytest.raises(IntegrityError) as raised:
        await _add(services, "prep.three")
    assert is_unique_violation(raised.value)


async def test_writes_reach_the_committed_write_watchers(services: Services) -> None:
    seen: list[str] = []
    services.db.on_committed_write(["users"], lambda: seen.append("users"))
    await _add(services, "prep.four")
    assert seen == ["users"]


async def test_json_and_statement_defaults_round_trip(services: Services) -> None:
    add_event = Prepared(
        insert(events)
        .values(
            type="test.event",
            conversation_id=bindparam("conversation_id"),
            payload=bindparam("payload"),
            created_at=bindparam("created_at"),
        )
        .returning(events.c.id, events.c.type)
    )
    payload = {"text": "Hei på deg ✓", "ids": [1, 2, 3], "nested": {"ok": True}}
    async with services.db.write() as tx:
        event_id, kind = await add_event.first(
            tx.conn, conversation_id=7, payload=payload, created_at=utcnow()
        )
    assert kind == "test.event"
    async with services.db.read() as conn:
        assert (
            await conn.execute(select(events.c.payload).where(events.c.id == event_id))
        ).scalar_one() == payload


async def test_a_read_holds_one_snapshot_from_its_first_statement_even_a_prepared_one(
    services: Services,
) -> None:
    if not services.db.is_sqlite:
        pytest.skip("PostgreSQL reads at READ COMMITTED: each statement sees what has committed before it")
    await _add(services, "prep.five")
    async with services.db.read() as conn:
        first = await _USER.first(conn, username="prep.five")
        async with services.db.write() as tx:
            await _RENAME.all(tx.conn, username="prep.five", name="Changed meanwhile")
        later = (await conn.execute(_USER.statement, {"username": "prep.five"})).one()
    assert first.display_name == later.display_name == "Prep.Five"


_NAME_OF = Prepared(select(users.c.name).where(users.c.username == bindparam("username")))


async def test_statements_run_together_in_order_each_seeing_what_the_ones_before_wrote(
    services: Services,
) -> None:
    await _add(services, "prep.six")
    async with services.db.write() as tx:
        renamed, seen = await together(
            tx.conn,
            (_RENAME, {"username": "prep.six", "name": "Renamed"}),
            (_NAME_OF, {"username": "prep.six"}),
        )
    assert renamed == [] and [row.name for row in seen] == ["Renamed"]


async def test_a_statement_queued_for_the_commit_gives_its_rows_once_committed(services: Services) -> None:
    async with services.db.write() as tx:
        queued = await _NEW_USER.later(
            tx,
            username="prep.seven",
            password_hash="x",
            name="Seven",
            messaging_disabled=False,
            created_at=utcnow(),
        )
    async with services.db.read() as conn:
        assert queued.scalar() == (await _USER.first(conn, username="prep.seven")).id


async def test_a_queued_statement_is_undone_with_a_write_that_fails_after_it(services: Services) -> None:
    await _add(services, "prep.eight")
    with pytest.raises(RuntimeError):
        async with services.db.write() as tx:
            await _RENAME.later(tx, username="prep.eight", name="Never")
            raise RuntimeError("the action fails after queuing")
    async with services.db.read() as conn:
        assert (await _USER.first(conn, username="prep.eight")).display_name == "Prep.Eight"


async def test_a_queued_statement_that_fails_undoes_the_whole_write(services: Services) -> None:
    await _add(services, "prep.nine")
    with pytest.raises(IntegrityError) as raised:
        async with services.db.write() as tx:
            await _RENAME.all(tx.conn, username="prep.nine", name="Never")
            await _NEW_USER.later(
                tx,
                username="prep.nine",
                password_hash="x",
                name="Twin",
                messaging_disabled=False,
                created_at=utcnow(),
            )
    assert is_unique_violation(raised.value)
    async with services.db.read() as conn:
        assert (await _USER.first(conn, username="prep.nine")).display_name == "Prep.Nine"


_NAMED_AMONG = Prepared(select(users.c.username).where(among(users.c.id, "ids")).order_by(users.c.username))


@pytest.mark.parametrize("wanted", [0, 1, 3])
async def test_one_prepared_statement_matches_any_number_of_ids(services: Services, wanted: int) -> None:
    ids = [await _add(services, f"among.{n}") for n in range(4)]
    async with services.db.read() as conn:
        fast = await _NAMED_AMONG.all(conn, ids=ids[:wanted])
        core = (await conn.execute(_NAMED_AMONG.statement, {"ids": ids[:wanted]})).all()
    assert (
        [row.username for row in fast]
        == [row.username for row in core]
        == [f"among.{n}" for n in range(wanted)]
    )
    assert len(_NAMED_AMONG._compiled) == 1  # one compiled statement for every length


async def test_postgresql_sessions_run_in_utc_keeping_the_urls_own_options(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite keeps no session time zone: its times are given the UTC zone as they are read")
    db = Database(f"{database_url}?options=-c%20statement_timeout%3D4321")
    try:
        async with db.write() as tx:
            await _NEW_USER.scalar(
                tx.conn,
                username="in.utc",
                password_hash="x",
                name="In UTC",
                messaging_disabled=False,
                created_at=datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
            )
        async with db.read() as conn:
            zone = (await conn.execute(text("SHOW TimeZone"))).scalar()
            timeout = (await conn.execute(text("SHOW statement_timeout"))).scalar()
            read = await _USER.first(conn, username="in.utc")
    finally:
        await db.dispose()
    assert zone == "UTC" and timeout == "4321ms"
    assert read is not None and read.created_at.tzinfo is UTC and read.created_at.hour == 10
