"""The bus carries committed events to every subscriber in this process (and, scaled out, in every process)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from schoolchat.realtime.events import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Sequence[Event]], Awaitable[None]]


class Bus(Protocol):
    async def publish(self, events: Sequence[Event]) -> None: ...

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class MemoryBus:
    """The default bus: one process, delivered in commit order."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    async def publish(self, events: Sequence[Event]) -> None:
        for subscriber in list(self._subscribers):
            try:
                await subscriber(events)
            except Exception:
                log.exception("event subscriber failed")

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
