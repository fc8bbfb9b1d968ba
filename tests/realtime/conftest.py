"""Fixtures for the real-time tests: a live server (uvicorn on a free port) over the test database."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from schoolchat.config import Settings
from tests.factories import Person
from tests.openapi_check import server_client
from tests.realtime import harness
from tests.realtime.harness import LiveServer


@pytest.fixture
def hub_settings(settings: Settings) -> Settings:
    """Fast keep-alives so pings show up in short tests."""
    return settings.model_copy(update={"realtime_keepalive_seconds": 1.0})


@pytest.fixture
async def server(hub_settings: Settings) -> AsyncIterator[LiveServer]:
    live = LiveServer(hub_settings)
    await live.start()
    yield live
    await live.stop()


@pytest.fixture
async def api(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with server_client(server.url, timeout=30) as client:
        yield client


Send = Callable[[Person, int, str], Awaitable[dict[str, Any]]]


@pytest.fixture
def send(api: httpx.AsyncClient) -> Send:
    """Send a message over REST, as a person, into a conversation; the created message."""
    return functools.partial(harness.send, api)


StartGroup = Callable[[Person, list[Person]], Awaitable[int]]


@pytest.fixture
def start_group(api: httpx.AsyncClient) -> StartGroup:
    """Start a group conversation over REST; its id."""
    return functools.partial(harness.start_group, api)
