"""The scaled-out bus: events travel between processes through Redis pub/sub.

Redis is never the store: the event log in the database is. So the bus is built to lose nothing when Redis goes
away for a while:
- a process delivers its own commits to its own clients directly, Redis or not;
- batches it could not publish wait in a bounded queue and are published when Redis is back;
- whenever its subscription (re)starts, a process re-reads the log from a little before the newest id it has
  delivered and delivers what it missed. Ids seen recently are dropped, so nothing is delivered twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from schoolchat.db import Database
from schoolchat.realtime import log as event_log
from schoolchat.realtime.bus import Subscriber
from schoolchat.realtime.events import Event, EventType

log = logging.getLogger(__name__)

CHANNEL = "schoolchat:events"
RETRY_SECONDS = 0.5
# How far behind the newest delivered id a catch-up starts: a commit of another process can reach us through
# Redis after a newer local one, and must not be skipped when Redis dropped it.
BACKFILL_WINDOW = 1000
BACKFILL_PAGE = 1000
RECENT_IDS = 20_000
MAX_UNSENT_BATCHES = 10_000


def encode(origin: str, events: Sequence[Event]) -> str:
    return json.dumps(
        {
            "origin": origin,
            "events": [
                {
                    "id": e.id,
                    "type": str(e.type),
                    "conversation_id": e.conversation_id,
                    "user_id": e.user_id,
                    "payload": e.payload,
                    "created_at": e.created_at.isoformat(),
                }
                for e in events
            ],
        }
    )


def decode(data: str | bytes) -> tuple[str, list[Event]]:
    message: dict[str, Any] = json.loads(data)
    return message["origin"], [
        Event(
            e["id"],
            EventType(e["type"]),
            e["conversation_id"],
            e["user_id"],
            e["payload"],
            datetime.fromisoformat(e["created_at"]),
        )
        for e in message["events"]
    ]


class RecentIds:
    """A bounded set of the ids delivered last."""

    def __init__(self, capacity: int) -> None:
        self._order: deque[int] = deque()
        self._ids: set[int] = set()
        self._capacity = capacity
        self.highest = 0

    def add(self, event_id: int) -> bool:
        """Remember ``event_id``; False when it was already there."""
        if event_id in self._ids:
            return False
        self._ids.add(event_id)
        self._order.append(event_id)
        if len(self._order) > self._capacity:
            self._ids.discard(self._order.popleft())
        self.highest = max(self.highest, event_id)
        return True


class RedisBus:
    def __init__(self, url: str, db: Database, *, channel: str = CHANNEL) -> None:
        self._url = url
        self._db = db
        self._channel = channel
        self._origin = secrets.token_hex(8)
        self._subscribers: list[Subscriber] = []
        self._seen = RecentIds(RECENT_IDS)
        self._unsent: deque[Sequence[Event]] = deque(maxlen=MAX_UNSENT_BATCHES)
        self._wakeup = asyncio.Event()
        self._floor = 0  # the newest id when this process started: older events were never its to deliver
        self._tasks: list[asyncio.Task[None]] = []
        self.connected = asyncio.Event()  # set while subscribed; tests and health checks read it

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    async def publish(self, events: Sequence[Event]) -> None:
        await self._deliver(events)
        self._unsent.append(events)
        self._wakeup.set()

    async def start(self) -> None:
        async with self._db.read() as conn:
            self._floor = self._seen.highest = await event_log.latest_event_id(conn)
        self._tasks = [
            asyncio.create_task(self._publish_forever(), name="redis-bus-publish"),
            asyncio.create_task(self._listen_forever(), name="redis-bus-listen"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _deliver(self, events: Sequence[Event]) -> None:
        fresh = [event for event in events if self._seen.add(event.id)]
        if not fresh:
            return
        for subscriber in list(self._subscribers):
            try:
                await subscriber(fresh)
            except Exception:
                log.exception("event subscriber failed")

    def _client(self) -> Redis:
        return Redis.from_url(self._url, socket_connect_timeout=2, socket_keepalive=True)

    async def _publish_forever(self) -> None:
        redis = self._client()
        try:
            while True:
                await self._wakeup.wait()
                self._wakeup.clear()
                while self._unsent:
                    try:
                        await asyncio.wait_for(
                            redis.publish(self._channel, encode(self._origin, self._unsent[0])), 5
                        )
                    except (RedisError, OSError, TimeoutError) as exc:
                        log.warning(
                            "publishing to Redis failed (%s); %d batches wait", exc, len(self._unsent)
                        )
                        await asyncio.sleep(RETRY_SECONDS)
                        continue
                    self._unsent.popleft()
        finally:
            await redis.aclose()

    async def _listen_forever(self) -> None:
        while True:
            redis = self._client()
            pubsub = redis.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                async for message in pubsub.listen():
                    if message["type"] == "subscribe":  # also after redis-py reconnected on its own
                        self.connected.set()
                        await self._backfill()
                    elif message["type"] == "message":
                        origin, events = decode(message["data"])
                        if origin != self._origin:
                            await self._deliver(events)
            except (RedisError, OSError) as exc:
                log.warning("Redis subscription lost (%s); retrying", exc)
            finally:
                self.connected.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await redis.aclose()
            await asyncio.sleep(RETRY_SECONDS)

    async def _backfill(self) -> None:
        """Deliver what the log holds beyond what this process has delivered (it may have missed Redis)."""
        after = max(self._floor, self._seen.highest - BACKFILL_WINDOW)
        while True:
            async with self._db.read() as conn:
                page = await event_log.events_after(conn, after, BACKFILL_PAGE)
            if not page:
                return
            await self._deliver(page)
            after = page[-1].id
