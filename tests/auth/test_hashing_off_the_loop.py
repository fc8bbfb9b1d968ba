"""A password being checked holds up no one else: argon2 runs off the event loop, a bounded number at a time."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from sqlalchemy import update

from schoolchat.config import Settings
from schoolchat.people.models import users
from schoolchat.services import Services
from tests.factories import Factory
from tests.openapi_check import server_client
from tests.realtime.harness import LiveServer

SLOW_PASSWORD = "a password that takes seconds to check"


async def test_while_a_login_is_being_hashed_the_server_answers_other_requests(
    settings: Settings, services: Services, make: Factory
) -> None:
    ada, ben = await make.people(2)
    slow_hash = PasswordHasher(time_cost=12).hash(SLOW_PASSWORD)  # checking it takes seconds, not a fraction
    async with services.db.write() as tx:
        await tx.conn.execute(update(users).where(users.c.id == ada.id).values(password_hash=slow_hash))
    live = LiveServer(settings.model_copy(update={"password_hash_concurrency": 1}))
    await live.start()
    try:
        async with server_client(live.url, timeout=60) as api:
            login = asyncio.create_task(
                api.post("/api/auth/login", json={"username": ada.username, "password": SLOW_PASSWORD})
            )
            await asyncio.sleep(0.3)  # the login has arrived and is being hashed
            others = [await api.get("/api/me", headers=ben.headers) for _ in range(3)]
            assert [answer.status_code for answer in others] == [200] * 3
            assert not login.done()  # the three answers came while the hash ran
            assert (await login).status_code == 200
    finally:
        await live.stop()
