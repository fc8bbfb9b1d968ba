"""With Redis, limits hold across processes; without it (or while it is down) each process counts alone."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from schoolchat.config import Settings
from tests.factories import PASSWORD, Factory
from tests.openapi_check import server_client
from tests.ratelimit.conftest import refused
from tests.realtime.harness import LiveServer
from tests.realtime.processes import RedisProcess


@pytest.fixture
async def two_apps(settings: Settings, redis_server: RedisProcess) -> AsyncIterator[tuple[str, str]]:
    """Two servers (two apps, each with its own limiter) sharing the database and Redis."""
    shared = settings.model_copy(
        update={
            "redis_url": redis_server.url,
            "rate_reports": "3/minute",
            "rate_login_failures_per_username": "3/minute",
        }
    )
    first, second = LiveServer(shared), LiveServer(shared)
    await first.start()
    await second.start()
    yield first.url, second.url
    await first.stop()
    await second.stop()


async def _report(url: str, who_headers: dict[str, str], conversation_id: int) -> httpx.Response:
    async with server_client(url, timeout=30) as api:
        return await api.post(
            f"/api/conversations/{conversation_id}/report", json={"reason": "spam"}, headers=who_headers
        )


async def _group(url: str, make: Factory) -> tuple[dict[str, str], int]:
    ada, ben, cy = await make.people(3)
    async with server_client(url, timeout=30) as api:
        answer = await api.post(
            "/api/conversations",
            headers=ada.headers,
            json={
                "recipients": {"people": [ben.id, cy.id]},
                "mode": "group",
                "name": "G",
                "message": {"body": "hi"},
            },
        )
    assert answer.status_code == 201, answer.text
    return ben.headers, answer.json()["conversation"]["id"]


async def test_a_limit_counts_the_uses_made_through_every_process(
    two_apps: tuple[str, str], make: Factory
) -> None:
    first, second = two_apps
    headers, group = await _group(first, make)
    assert [(await _report(url, headers, group)).status_code for url in (first, second, first)] == [201] * 3
    refused(await _report(second, headers, group), "reports")
    refused(await _report(first, headers, group), "reports")


async def test_wrong_passwords_count_across_processes(two_apps: tuple[str, str], make: Factory) -> None:
    ada = await make.person()
    statuses = []
    for url in (first := two_apps[0], second := two_apps[1], first, second):
        async with server_client(url, timeout=30) as api:
            statuses.append(
                (
                    await api.post("/api/auth/login", json={"username": ada.username, "password": "wrong"})
                ).status_code
            )
    assert statuses == [401, 401, 401, 429]
    async with server_client(first, timeout=30) as api:
        refused(
            await api.post("/api/auth/login", json={"username": ada.username, "password": PASSWORD}),
            "login_failures_per_username",
        )


async def test_while_redis_is_down_each_process_still_counts_and_answers(
    two_apps: tuple[str, str], redis_server: RedisProcess, make: Factory
) -> None:
    first, second = two_apps
    headers, group = await _group(first, make)
    await redis_server.stop()
    assert [(await _report(first, headers, group)).status_code for _ in range(4)] == [201, 201, 201, 429]
    assert (await _report(second, headers, group)).status_code == 201  # the other process has counted nothing
