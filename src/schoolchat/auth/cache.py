"""A short-lived cache of who is behind a token, so a request does not spend two round trips on authentication.

What could make a cached answer wrong, and what removes it:
- **logout** (`auth.actions.revoke`) appends `session.ended {token_id}`; every process's cache subscribes to the
  bus and forgets that token when the event arrives (in the revoking process before `revoke` returns);
- **a change to the person** (name, roles, disabled messaging, deactivation; tables `users`, `org_roles`,
  `orgs`) or to any token committed by this process empties the cache at that commit
  (`Database.on_committed_write`);
- **the same changes made by another process** (a second server, the command line) or a session.ended that the
  bus could not carry (Redis down) are not seen: every entry expires after ``TTL_SECONDS``, which bounds them;
- **expiry** of the token itself is checked on every hit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from schoolchat.db.types import utcnow
from schoolchat.realtime.events import Event, EventType

if TYPE_CHECKING:
    from schoolchat.auth.queries import Authenticated
    from schoolchat.db import Database
    from schoolchat.services import Services

TTL_SECONDS = 2.0
MAX_ENTRIES = 10_000
PEOPLE_TABLES = ("users", "org_roles", "orgs", "auth_tokens")


@dataclass(frozen=True, slots=True)
class _Entry:
    found: Authenticated
    token_id: int
    expires_at: datetime
    cached_at: float


class ActorCache:
    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[str, bool], _Entry] = {}
        self._buses: list[
            object
        ] = []  # the buses it listens to (a database may serve apps with different buses)
        # Bumped by every invalidation: an answer read from the database before one is not cached after it.
        self.generation = 0

    def get(self, key: tuple[str, bool]) -> Authenticated | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry.cached_at > self.ttl or entry.expires_at <= utcnow():
            self._entries.pop(key, None)
            return None
        return entry.found

    def put(
        self,
        key: tuple[str, bool],
        found: Authenticated,
        token_id: int,
        expires_at: datetime,
        generation: int,
    ) -> None:
        if generation != self.generation:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = _Entry(found, token_id, expires_at, time.monotonic())

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()

    def forget_token(self, token_id: int) -> None:
        self.generation += 1
        for key in [key for key, entry in self._entries.items() if entry.token_id == token_id]:
            del self._entries[key]

    async def on_events(self, events: Sequence[Event]) -> None:
        for event in events:
            if event.type == EventType.SESSION_ENDED:
                self.forget_token(event.payload["token_id"])


_caches: WeakKeyDictionary[Database, ActorCache] = WeakKeyDictionary()


def cache_for(services: Services) -> ActorCache:
    """The cache of one database in this process, subscribed to its commits and to the service's bus."""
    cache = _caches.get(services.db)
    if cache is None:
        cache = _caches[services.db] = ActorCache()
        services.db.on_committed_write(PEOPLE_TABLES, cache.clear)
    if not any(bus is services.bus for bus in cache._buses):
        cache._buses.append(services.bus)
        services.bus.subscribe(cache.on_events)
    return cache
