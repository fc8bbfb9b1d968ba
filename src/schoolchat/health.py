"""Liveness and readiness. ``/healthz`` says the process serves requests (restart it when it does not);
``/readyz`` says it can do its work: the database answers, and Redis too when the service is scaled out with it.
A load balancer sends traffic only to ready processes, so a process cut off from its database answers 503 there
instead of failing every request."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from sqlalchemy import text

from schoolchat.config import Settings
from schoolchat.db import Database

OK = "ok"
UNREACHABLE = "unreachable"
NAMES = {"database": "database", "redis": "Redis"}  # as a sentence names them


class Readiness:
    def __init__(self, settings: Settings, db: Database) -> None:
        self._db = db
        self._timeout = settings.readiness_timeout_seconds
        self._redis = (
            Redis.from_url(
                settings.redis_url, socket_connect_timeout=self._timeout, socket_timeout=self._timeout
            )
            if settings.redis_url
            else None
        )

    async def check(self) -> dict[str, str]:
        """Each dependency with ``ok`` or ``unreachable``, checked at once, each within the timeout."""
        checks = {"database": self._database()}
        if self._redis is not None:
            checks["redis"] = self._ping_redis(self._redis)
        results = await asyncio.gather(*checks.values())
        return {name: OK if fine else UNREACHABLE for name, fine in zip(checks, results)}

    async def _database(self) -> bool:
        try:
            async with asyncio.timeout(self._timeout), self._db.read() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 -- whatever the driver raises for a refused connection, a lost file, a timeout
            return False

    async def _ping_redis(self, redis: Redis) -> bool:
        try:
            async with asyncio.timeout(self._timeout):
                return bool(await redis.ping())
        except Exception:  # noqa: BLE001 -- as above: unreachable, whatever the client raises
            return False

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
