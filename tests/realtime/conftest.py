"""Fixtures for the real-time tests: a migrated database, a live server, a school of people to log in as."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from schoolchat.config import Settings
from schoolchat.db.migrate import upgrade
from tests.realtime.harness import LiveServer, People, bearer, seed_school

STUDENTS = ["ada", "ben", "cy", "dee"]
TEACHERS = ["tess"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path, secret_key="realtime-tests-secret", redis_url=None,
                        realtime_keepalive_seconds=1)
    upgrade(settings.effective_database_url)
    return settings


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    live = LiveServer(settings)
    await live.start()
    yield live
    await live.stop()


@pytest.fixture
async def api(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture
async def people(settings: Settings, api: httpx.AsyncClient) -> People:
    found = People(await seed_school(settings.effective_database_url, STUDENTS, TEACHERS))
    for username in found.ids:
        found.tokens[username] = await bearer(api, username)
    return found
