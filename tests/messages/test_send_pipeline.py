"""A send into a conversation goes out whole with its commit on PostgreSQL, so the conversation's row lock (which
hands out the next ``seq``) is held for the server's own work, not across round trips; what it writes and
publishes carries the seq the database gave the message, on either dialect."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations.membership import ACTIVE_MEMBERS
from schoolchat.conversations.models import conversations, memberships
from schoolchat.conversations.queries import _OTHER_MEMBERS_OFF
from schoolchat.db import engine, libpq
from schoolchat.db.prepared import Prepared
from schoolchat.db.types import utcnow
from schoolchat.people.models import orgs, users
from schoolchat.people.reach import ANY_ORG_DISABLED
from schoolchat.realtime.log import events_since
from schoolchat.services import Services
from tests.calls import sent, started
from tests.factories import Factory
from tests.spies import calls_of


async def test_a_send_takes_the_conversation_lock_in_the_commits_pipeline(
    services: Services, client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    if services.db.is_sqlite:
        pytest.skip("SQLite serialises writers with its write lock; there is no row lock")
    emma, noah = await make.person(), await make.person()
    conversation = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    commits = calls_of(monkeypatch, engine, "_commit_with_queued")
    await sent(client, emma, conversation, "second")
    [((_, queued), _)] = commits
    tail = [" ".join(statement.sql.decode().split()[:3]) for statement in queued]
    assert tail[:2] == ["UPDATE conversations SET", "INSERT INTO messages"]
    assert "INSERT INTO events" in tail


async def test_the_logged_and_answered_message_carry_the_seq_it_was_given(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    answers = [await sent(client, emma, conversation, f"m{i}") for i in range(3)]
    async with services.db.read() as conn:
        logged = [
            event.payload["message"]
            for event in await events_since(conn, ACTIVE_MEMBERS, noah.id, 0)
            if event.type == "message.created"
        ]
    assert [message["seq"] for message in answers] == [1, 2, 3]
    assert [(m["id"], m["seq"]) for m in logged] == [(m["id"], m["seq"]) for m in answers]


async def test_a_send_makes_two_round_trips_its_checks_with_a_retrys_lookup_and_its_commit(
    services: Services, client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    if services.db.is_sqlite:
        pytest.skip("SQLite runs in the process: there are no round trips")
    emma, noah = await make.person(), await make.person()
    conversation = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    await sent(client, emma, conversation, "first")  # the sender's token is in the actor cache now
    trips = calls_of(monkeypatch, libpq, "run")
    await sent(client, emma, conversation, "second", cmid="trips-1")
    assert len(trips) == 2


async def _plan(conn: AsyncConnection, statement: Prepared, **params: Any) -> str:
    sql = str(
        statement.statement.params(**params).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(str(row[-1]) for row in await conn.execute(text(explain + sql)))


async def test_a_sends_messaging_off_checks_look_up_only_the_people_and_orgs_with_messaging_off(
    services: Services,
) -> None:
    """Every send asks which other members have messaging off and whether any org has (§6.4); in a district of
    thousands, with a course of 300, neither reads every person, every member or every org."""
    now = utcnow()
    async with services.db.write() as tx:
        await tx.conn.execute(
            insert(users),
            [
                {"id": i, "username": f"p{i}", "password_hash": "-", "name": f"Person {i}", "created_at": now}
                for i in range(1, 5_001)
            ],
        )
        await tx.conn.execute(insert(orgs), [{"name": f"School {i}", "kind": "school"} for i in range(2_000)])
        await tx.conn.execute(
            insert(conversations).values(id=1, kind="group", created_at=now, last_activity_at=now)
        )
        await tx.conn.execute(
            insert(memberships),
            [{"conversation_id": 1, "user_id": i, "joined_at": now} for i in range(1, 301)],
        )
    async with services.db.read() as conn:
        await conn.execute(text("ANALYZE"))
        members_off = await _plan(conn, _OTHER_MEMBERS_OFF, conversation_id=1, except_id=1)
        orgs_off = await _plan(conn, ANY_ORG_DISABLED)
    assert "ix_users_messaging_off" in members_off, members_off
    assert "ix_orgs_messaging_off" in orgs_off, orgs_off
