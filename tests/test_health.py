"""Liveness and readiness (docs/operations.md): /healthz answers while the process runs; /readyz answers 503 in the
one error shape while the database, or Redis when configured, cannot be reached — here a real closed port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from schoolchat.app import create_app
from schoolchat.config import Settings
from schoolchat.services import Services
from tests.calls import error_of
from tests.openapi_check import app_client
from tests.realtime.harness import free_port

REDIS_URL = "redis://127.0.0.1:6379/15"


async def _client(settings: Settings, services: Services | None = None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, db=services.db if services else None)
    async with app_client(app) as http:
        yield http


@pytest.fixture
async def no_database(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    closed = settings.model_copy(
        update={"database_url": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"}
    )
    async for http in _client(closed):
        yield http


async def test_readyz_answers_503_while_the_database_cannot_be_reached(
    no_database: httpx.AsyncClient,
) -> None:
    answer = await no_database.get("/readyz")
    assert answer.status_code == 503
    error = error_of(answer)
    assert error["code"] == "not_ready" and error["message"] == "The service cannot reach: database."
    assert error["details"] == {"checks": {"database": "unreachable"}}


async def test_healthz_stays_the_liveness_check_without_a_database(no_database: httpx.AsyncClient) -> None:
    answer = await no_database.get("/healthz")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


async def test_readyz_answers_503_while_redis_cannot_be_reached(
    settings: Settings, services: Services
) -> None:
    closed = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    async for http in _client(closed, services):
        answer = await http.get("/readyz")
        assert answer.status_code == 503
        assert error_of(answer)["details"] == {"checks": {"database": "ok", "redis": "unreachable"}}
        assert error_of(answer)["message"] == "The service cannot reach: Redis."


async def test_readyz_answers_200_when_the_database_and_redis_answer(
    settings: Settings, services: Services
) -> None:
    async for http in _client(settings.model_copy(update={"redis_url": REDIS_URL}), services):
        answer = await http.get("/readyz")
        assert (answer.status_code, answer.json()) == (
            200,
            {"status": "ok", "checks": {"database": "ok", "redis": "ok"}},
        )
