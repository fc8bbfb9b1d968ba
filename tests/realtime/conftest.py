"""Fixtures for the real-time tests: a live server (uvicorn on a free port) over the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from schoolchat.config import Settings
from tests.factories import Person
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
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


Send = Callable[[Person, int, str], Awaitable[dict[str, Any]]]


@pytest.fixture
def send(api: httpx.AsyncClient) -> Send:
    """Send a message over REST, as a person, into a conversation; the created message."""
    async def _send(person: Person, conversation_id: int, body: str) -> dict[str, Any]:
        response = await api.post(f"/api/conversations/{conversation_id}/messages", json={"body": body},
                                  headers=person.headers)
        assert response.status_code == 201, response.text
        return dict(response.json()["message"])
    return _send


StartGroup = Callable[[Person, list[Person]], Awaitable[int]]


@pytest.fixture
def start_group(api: httpx.AsyncClient) -> StartGroup:
    """Start a group conversation over REST; its id."""
    async def _start(creator: Person, others: list[Person]) -> int:
        response = await api.post("/api/conversations", headers=creator.headers, json={
            "recipients": {"people": [p.id for p in others]}, "mode": "group", "name": "Real time"})
        assert response.status_code == 201, response.text
        return int(response.json()["conversation"]["id"])
    return _start
