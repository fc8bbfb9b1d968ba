"""The token -> actor cache (auth/cache.py) never outlives a logout, nor a change to the person."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import update

from schoolchat.app import create_app
from schoolchat.auth import cache as auth_cache
from schoolchat.auth import queries as auth_queries
from schoolchat.db import Database
from schoolchat.people.models import users
from schoolchat.services import Services
from tests.factories import Factory
from tests.openapi_check import app_client
from tests.spies import calls_of


@pytest.fixture
async def second_app(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """Another instance of the service: its own engine on the same database, the same bus (as two processes
    behind Redis would be)."""
    db = Database(services.settings.effective_database_url)
    app = create_app(services.settings, db=db, bus=services.bus)
    async with app_client(app) as client:
        yield client
    await db.dispose()


async def test_a_known_token_is_answered_without_a_query(
    client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = await make.person()
    token_lookups = calls_of(monkeypatch, auth_queries._TOKEN, "all")
    for _ in range(3):
        assert (await client.get("/api/me", headers=person.headers)).status_code == 200
    assert len(token_lookups) == 1


async def test_logout_in_one_instance_ends_the_session_in_the_other_at_once(
    client: httpx.AsyncClient, second_app: httpx.AsyncClient, make: Factory
) -> None:
    person = await make.person()
    assert (await second_app.get("/api/me", headers=person.headers)).status_code == 200  # now cached there
    assert (await client.get("/api/me", headers=person.headers)).status_code == 200  # and here

    assert (await client.post("/api/auth/logout", headers=person.headers)).status_code == 204
    assert (await second_app.get("/api/me", headers=person.headers)).status_code == 401
    assert (await client.get("/api/me", headers=person.headers)).status_code == 401


async def test_a_change_to_the_person_committed_here_applies_to_the_next_request(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    person = await make.person("Before Rename")
    assert (await client.get("/api/me", headers=person.headers)).json()["name"] == "Before Rename"
    async with services.db.write() as tx:
        await tx.conn.execute(update(users).where(users.c.id == person.id).values(name="After Rename"))
    assert (await client.get("/api/me", headers=person.headers)).json()["name"] == "After Rename"
    async with services.db.write() as tx:
        await tx.conn.execute(update(users).where(users.c.id == person.id).values(is_active=False))
    assert (await client.get("/api/me", headers=person.headers)).status_code == 401


async def test_a_change_made_by_another_process_applies_within_the_cache_lifetime(
    services: Services, client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = await make.person("Old Name")
    assert (await client.get("/api/me", headers=person.headers)).json()["name"] == "Old Name"
    other = Database(services.settings.effective_database_url)  # not watched by this process's cache
    try:
        async with other.write() as tx:
            await tx.conn.execute(update(users).where(users.c.id == person.id).values(name="New Name"))
    finally:
        await other.dispose()
    assert (await client.get("/api/me", headers=person.headers)).json()["name"] == "Old Name"  # still cached
    monkeypatch.setattr(auth_cache.cache_for(services), "ttl", 0.0)  # as if TTL_SECONDS had passed
    assert (await client.get("/api/me", headers=person.headers)).json()["name"] == "New Name"


async def test_an_answer_read_before_an_invalidation_is_not_cached_after_it() -> None:
    cache = auth_cache.ActorCache()
    generation = cache.generation
    cache.forget_token(7)  # a logout arrives while a request is still reading the token's row
    cache.put(("hash", False), object(), 7, auth_cache.utcnow().replace(year=9999), generation)  # type: ignore[arg-type]
    assert cache.get(("hash", False)) is None
