"""Idempotent sends hold across restarts and under racing retries."""

from __future__ import annotations

import asyncio

import httpx

from schoolchat.app import create_app
from schoolchat.db import Database
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services
from tests.calls import history, send, started
from tests.factories import Factory
from tests.openapi_check import app_client


async def test_a_retry_after_a_restart_returns_the_original_message(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    first = await send(client, emma, conversation, "before the restart", cmid="restart-1")
    await services.db.dispose()

    restarted_db = Database(services.settings.effective_database_url)
    restarted = create_app(services.settings, db=restarted_db, bus=MemoryBus())
    async with app_client(restarted) as again:
        retry = await send(again, emma, conversation, "before the restart", cmid="restart-1")
        assert retry.status_code == 200
        assert retry.json()["message"]["id"] == first.json()["message"]["id"]
        assert len((await history(again, noah, conversation))["messages"]) == 1
    await restarted_db.dispose()


async def test_racing_retries_write_one_message(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    answers = await asyncio.gather(
        *(send(client, emma, conversation, "same", cmid="race-1") for _ in range(8))
    )
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.json()["message"]["id"] for a in answers}) == 1
    assert len((await history(client, noah, conversation))["messages"]) == 1


async def test_concurrent_sends_get_distinct_consecutive_seqs(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    answers = await asyncio.gather(
        *(send(client, who, conversation, f"m{i}") for i, who in enumerate([emma, noah] * 6))
    )
    assert all(a.status_code == 201 for a in answers)
    assert sorted(a.json()["message"]["seq"] for a in answers) == list(range(1, 13))


async def test_a_retry_after_leaving_the_conversation_returns_the_original_message(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, sara = await make.person(), await make.person(), await make.person()
    group = (await started(client, emma, people=[noah.id, sara.id], mode="group"))["conversation"]["id"]
    first = await send(client, emma, group, "see you there", cmid="leave-1")
    assert (await client.post(f"/api/conversations/{group}/leave", headers=emma.headers)).status_code == 204
    retry = await send(client, emma, group, "see you there", cmid="leave-1")
    assert retry.status_code == 200
    assert retry.json()["message"]["id"] == first.json()["message"]["id"]
    assert len((await history(client, noah, group))["messages"]) == 1
