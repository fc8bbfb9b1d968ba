"""Apps with chosen limits over the test's database, and the check that an answer is a proper 429."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from schoolchat.app import create_app
from schoolchat.services import Services
from tests.calls import error_of
from tests.openapi_check import app_client

ClientWith = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def client_with(services: Services) -> AsyncIterator[ClientWith]:
    """``await client_with(rate_reports="3/minute")``: a client of an app with those settings (defaults else)."""
    clients: list[httpx.AsyncClient] = []

    async def make(**settings: Any) -> httpx.AsyncClient:
        app = create_app(services.settings.model_copy(update=settings), db=services.db, bus=services.bus)
        clients.append(app_client(app))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


def refused(answer: httpx.Response, limit: str) -> int:
    """Assert a 429 of ``limit`` in the one error shape with a Retry-After; the seconds it says."""
    assert answer.status_code == 429, answer.text
    error = error_of(answer)
    assert error["code"] == "rate_limited" and error["details"]["limit"] == limit, error
    retry_after = int(answer.headers["Retry-After"])
    assert retry_after >= 1 and error["details"]["retry_after"] == retry_after
    assert f"{retry_after} second" in error["message"]
    return retry_after


async def refusals(client: httpx.AsyncClient, limit: str) -> float:
    """How many refusals of ``limit`` the app's Prometheus counter has counted."""
    text = (await client.get("/metrics")).text
    line = next(
        line
        for line in text.splitlines()
        if line.startswith(f'schoolchat_rate_limited_total{{limit="{limit}"}}')
    )
    return float(line.rsplit(" ", 1)[1])
