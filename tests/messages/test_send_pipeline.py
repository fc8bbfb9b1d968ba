"""A send into a conversation goes out whole with its commit on PostgreSQL, so the conversation's row lock (which
hands out the next ``seq``) is held for the server's own work, not across round trips; what it writes and
publishes carries the seq the database gave the message, on either dialect."""

from __future__ import annotations

import httpx
import pytest

from schoolchat.conversations.membership import ACTIVE_MEMBERS
from schoolchat.db import engine, libpq
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
