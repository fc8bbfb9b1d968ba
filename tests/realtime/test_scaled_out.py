"""Two `schoolchat serve` processes sharing PostgreSQL and Redis behave as one, also across a Redis restart, and
`schoolchat serve --workers 2` spreads its clients over both of its processes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services
from tests.conftest import POSTGRES_ADMIN_URL, SECRET, _postgres_database
from tests.factories import Factory
from tests.openapi_check import server_client
from tests.realtime.harness import LiveServer, RawHubClient, free_port, send, start_group
from tests.realtime.processes import RedisProcess, ServeProcess


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
    services = Services(
        Settings(database_url=postgres_url, secret_key=SECRET, data_dir=tmp_path),
        Database(postgres_url),
        MemoryBus(),
    )
    factory = Factory(services)
    await factory.setup()
    yield factory
    await services.db.dispose()


@pytest.fixture
async def two_processes(
    postgres_url: str, redis_server: RedisProcess, tmp_path: Path
) -> AsyncIterator[tuple[ServeProcess, ServeProcess]]:
    env = {
        "SCHOOLCHAT_DATABASE_URL": postgres_url,
        "SCHOOLCHAT_REDIS_URL": redis_server.url,
        "SCHOOLCHAT_SECRET_KEY": SECRET,
        "SCHOOLCHAT_DATA_DIR": str(tmp_path),
    }
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
    two_processes: tuple[ServeProcess, ServeProcess], redis_server: RedisProcess, pg_make: Factory
) -> None:
    first, second = two_processes
    ada, ben, cy = await pg_make.people(3)
    on_first = await RawHubClient.connect(first.hub_url, cy.token)
    on_second = await RawHubClient.connect(second.hub_url, ben.token)
    async with server_client(first.url, timeout=30) as api:
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


def _tcp_sockets(port: int) -> list[tuple[int, str, int]]:
    """(inode, state, remote port) of every socket on this machine whose local port is ``port`` (/proc/net)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], int(fields[9])
            if int(local.rsplit(":", 1)[1], 16) == port:
                found.append((inode, state, int(remote.rsplit(":", 1)[1], 16)))
    return found


def _socket_holders(parent_pid: int) -> dict[int, int]:
    """Socket inode -> pid, over the children of ``parent_pid`` (the processes of `serve --workers`)."""
    children = Path(f"/proc/{parent_pid}/task/{parent_pid}/children").read_text().split()
    holders = {}
    for pid in map(int, children):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd) if fd.exists() else ""
            if target.startswith("socket:["):
                holders[int(target[8:-1])] = pid
    return holders


async def test_serve_with_two_workers_spreads_clients_over_both_processes_and_each_delivers_what_the_other_commits(
    postgres_url: str, redis_server: RedisProcess, tmp_path: Path, pg_make: Factory
) -> None:
    env = {
        "SCHOOLCHAT_DATABASE_URL": postgres_url,
        "SCHOOLCHAT_REDIS_URL": redis_server.url,
        "SCHOOLCHAT_SECRET_KEY": SECRET,
        "SCHOOLCHAT_DATA_DIR": str(tmp_path),
    }
    server = ServeProcess(env, workers=2)
    await server.start()
    clients: list[RawHubClient] = []
    try:
        assert server.process is not None
        async with asyncio.timeout(60):  # /healthz answers once the first process listens
            while sum(state == "0A" for _, state, _ in _tcp_sockets(server.port)) < 2:
                await asyncio.sleep(0.1)
        ada, *members = await pg_make.people(17)
        async with server_client(server.url, timeout=30) as api:
            group = await start_group(api, ada, members)
            clients = [await RawHubClient.connect(server.hub_url, member.token) for member in members]
            holders = _socket_holders(server.process.pid)
            ours = {client.ws.local_address[1] for client in clients}
            serving = {
                holders[inode]
                for inode, state, remote in _tcp_sockets(server.port)
                if state == "01" and remote in ours
            }
            # A port hash puts all 16 on one process once in 30,000 runs.
            assert len(serving) == 2
            sent = await send(api, ada, group, "to both processes")
            for client in clients:
                assert await _messages(client, 1) == [sent["id"]]
    finally:
        for client in clients:
            await client.close()
        await server.stop()


async def test_with_redis_unreachable_sends_succeed_and_the_process_still_delivers_its_own(
    hub_settings: Settings, make: Factory
) -> None:
    """Redis is never the store: a process that cannot reach it still commits and serves its own clients."""
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    live = LiveServer(hub_settings.model_copy(update={"redis_url": nowhere}))
    await live.start()
    try:
        ada, ben, cy = await make.people(3)
        hub = await RawHubClient.connect(live.hub_url, ben.token)
        async with server_client(live.url, timeout=30) as api:
            group = await start_group(api, ada, [ben, cy])
            sent = await send(api, ada, group, "Redis is down")
        while (event := await hub.next_event())["type"] != "message.created":
            pass
        assert event["payload"]["message"]["id"] == sent["id"]
        await hub.close()
    finally:
        await live.stop()
