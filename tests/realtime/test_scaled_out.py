"""Two `schoolchat serve` processes sharing PostgreSQL and Redis behave as one, also across a Redis restart."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services
from tests.conftest import POSTGRES_ADMIN_URL, SECRET, _postgres_database
from tests.factories import Factory, Person
from tests.realtime.harness import LiveServer, RawHubClient, free_port, send, start_group
from tests.realtime.processes import RedisProcess, ServeProcess, serving_pid, worker_pids


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own (the processes must share one), whatever the suite runs on."""
    name = f"schoolchat_scaled_{os.getpid()}"
    url = _postgres_database(name)
    upgrade(url)
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def pg_make(postgres_url: str, tmp_path: Path) -> AsyncIterator[Factory]:
    services = Services(Settings(database_url=postgres_url, secret_key=SECRET, data_dir=tmp_path),
                        Database(postgres_url), MemoryBus())
    factory = Factory(services)
    await factory.setup()
    yield factory
    await services.db.dispose()


@pytest.fixture
async def two_processes(postgres_url: str, redis_server: RedisProcess, tmp_path: Path
                        ) -> AsyncIterator[tuple[ServeProcess, ServeProcess]]:
    env = {"SCHOOLCHAT_DATABASE_URL": postgres_url, "SCHOOLCHAT_REDIS_URL": redis_server.url,
           "SCHOOLCHAT_SECRET_KEY": SECRET, "SCHOOLCHAT_DATA_DIR": str(tmp_path)}
    first, second = ServeProcess(env), ServeProcess(env)
    await first.start()
    await second.start()
    yield first, second
    await first.stop()
    await second.stop()


async def _messages(client: RawHubClient, count: int) -> list[int]:
    found: list[int] = []
    while len(found) < count:
        event = await client.next_event(timeout=20)
        if event["type"] == "message.created":
            found.append(event["payload"]["message"]["id"])
    return found


async def test_a_client_of_one_process_receives_what_another_commits_and_a_redis_restart_loses_nothing(
        two_processes: tuple[ServeProcess, ServeProcess], redis_server: RedisProcess, pg_make: Factory) -> None:
    first, second = two_processes
    ada, ben, cy = await pg_make.people(3)
    on_first = await RawHubClient.connect(first.hub_url, cy.token)
    on_second = await RawHubClient.connect(second.hub_url, ben.token)
    async with httpx.AsyncClient(base_url=first.url, timeout=30) as api:
        group = await start_group(api, ada, [ben, cy])
        before = [(await send(api, ada, group, "through Redis"))["id"]]
        assert await _messages(on_second, 1) == before

        await redis_server.stop()
        during = [(await send(api, ada, group, f"while Redis is down {n}"))["id"] for n in range(3)]
        # The sending process still delivers its own commits at once.
        assert await _messages(on_first, 4) == before + during
        await redis_server.start()

        # The other process catches up from the event log when its subscription comes back.
        assert await _messages(on_second, 3) == during
        after = [(await send(api, ada, group, "after the restart"))["id"]]
        assert await _messages(on_second, 1) == after
        assert await _messages(on_first, 1) == after
    await on_first.close()
    await on_second.close()


async def test_with_redis_unreachable_sends_succeed_and_the_process_still_delivers_its_own(
        hub_settings: Settings, make: Factory) -> None:
    """Redis is never the store: a process that cannot reach it still commits and serves its own clients."""
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    live = LiveServer(hub_settings.model_copy(update={"redis_url": nowhere}))
    await live.start()
    try:
        ada, ben, cy = await make.people(3)
        hub = await RawHubClient.connect(live.hub_url, ben.token)
        async with httpx.AsyncClient(base_url=live.url, timeout=30) as api:
            group = await start_group(api, ada, [ben, cy])
            sent = await send(api, ada, group, "Redis is down")
        while (event := await hub.next_event())["type"] != "message.created":
            pass
        assert event["payload"]["message"]["id"] == sent["id"]
        await hub.close()
    finally:
        await live.stop()


@pytest.fixture
async def two_workers(postgres_url: str, redis_server: RedisProcess, tmp_path: Path
                      ) -> AsyncIterator[ServeProcess]:
    server = ServeProcess({"SCHOOLCHAT_DATABASE_URL": postgres_url, "SCHOOLCHAT_REDIS_URL": redis_server.url,
                           "SCHOOLCHAT_SECRET_KEY": SECRET, "SCHOOLCHAT_DATA_DIR": str(tmp_path)}, workers=2)
    await server.start()
    yield server
    await server.stop()


async def _one_client_on_each_worker(server: ServeProcess, person: Person) -> list[RawHubClient]:
    """Hub clients of ``person`` until two are served by different worker processes (the kernel picks)."""
    assert server.process is not None
    pids = worker_pids(server.process.pid)
    assert len(pids) == 2
    by_pid: dict[int, RawHubClient] = {}
    spare: list[RawHubClient] = []
    for _ in range(16):  # the person's sockets per process are limited to 20
        client = await RawHubClient.connect(server.hub_url, person.token)
        pid = serving_pid(pids, server.port, client.ws.local_address[1])
        assert pid is not None
        if pid in by_pid:
            spare.append(client)
        else:
            by_pid[pid] = client
        if len(by_pid) == 2:
            break
    for client in spare:
        await client.close()
    assert len(by_pid) == 2, "16 connections all went to one worker"
    return list(by_pid.values())


async def test_serve_with_two_workers_delivers_what_one_commits_to_a_client_of_the_other_and_either_resyncs(
        two_workers: ServeProcess, pg_make: Factory) -> None:
    ada, ben = await pg_make.people(2)
    clients = await _one_client_on_each_worker(two_workers, ben)
    async with httpx.AsyncClient(base_url=two_workers.url, timeout=30) as api:
        group = await start_group(api, ada, [ben])
        sent = [(await send(api, ada, group, f"through one worker {n}"))["id"] for n in range(4)]
    for client in clients:  # the sends went through one worker or both: each worker's client gets every one
        assert await _messages(client, 4) == sent
    for client in clients:  # a client that reconnects to either process resyncs from the shared event log
        answer = await client.invoke("GetEventsSince", 0)
        created = [event["payload"]["message"]["id"] for event in answer["result"]["events"]
                   if event["type"] == "message.created"]
        assert created == sent
        await client.close()
