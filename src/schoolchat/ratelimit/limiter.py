"""Counting hits against the rules, in Redis when the service has it (so limits hold across processes), else in
this process's memory.

Redis is never the store of record, and a limit is not worth an outage: while Redis cannot be reached, counting
goes on in memory (per process), a warning is logged once per outage, and Redis is tried again every
``RETRY_SECONDS`` (so that an unreachable host costs a request at most one short timeout).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter, RateLimiter, SlidingWindowCounterRateLimiter
from limits.errors import StorageError

from schoolchat.config import Settings
from schoolchat.errors import ApiError
from schoolchat.ratelimit import texts
from schoolchat.ratelimit.rules import Rule, items

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5
SWEEP_SECONDS = 1.0  # the in-memory counters free expired entries at most this often


class _MemoryStorage(MemoryStorage):
    """limits' in-process storage, its sweep of expired entries run at most every ``SWEEP_SECONDS``.

    limits starts a sweep on every hit once the previous one has ended, and a sweep visits every key, each through
    a worker thread (``asyncio.to_thread``): with 300 people on the hub, sweeping took 31 % of the process's CPU
    (docs/performance.md). The sweep only frees memory; every count is decided from the entries' own times."""

    def __init__(self) -> None:
        super().__init__()
        self._swept_at = -math.inf

    # limits calls its private ``__schedule_expiry`` on every hit; this is that name as Python mangles it.
    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= SWEEP_SECONDS:
            self._swept_at = now
            await super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]


class RateLimited(ApiError):
    """429 in the one error shape, with ``Retry-After`` (seconds) and the rule in ``details.limit``."""

    def __init__(self, rule: Rule, retry_after: int) -> None:
        super().__init__(
            429,
            "rate_limited",
            texts.try_again_in(retry_after),
            {"limit": str(rule), "retry_after": retry_after},
            {"Retry-After": str(retry_after)},
        )
        self.rule = rule
        self.retry_after = retry_after


class _Counters:
    """The two strategies over one storage."""

    def __init__(self, storage: Storage) -> None:
        self.moving = MovingWindowRateLimiter(storage)
        self.sliding = SlidingWindowCounterRateLimiter(storage)

    def of(self, rule: Rule) -> RateLimiter:
        return self.sliding if rule.counts_amounts else self.moving


class Limiter:
    """One per application. ``on_refused(rule)`` is told of every refusal (the Prometheus counter)."""

    def __init__(self, settings: Settings, on_refused: Callable[[Rule], None] = lambda _: None) -> None:
        self.enabled = settings.rate_limits_enabled
        self._items = items(settings)
        self._on_refused = on_refused
        self._memory = _Counters(_MemoryStorage())
        self._shared = (
            _Counters(
                RedisStorage(
                    f"async+{settings.redis_url}",
                    implementation="redispy",
                    wrap_exceptions=True,
                    key_prefix="schoolchat-limits",
                    socket_timeout=REDIS_TIMEOUT_SECONDS,
                    socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                )
            )
            if settings.redis_url
            else None
        )
        self._outage = False
        self._retry_at = 0.0  # while Redis is down: when to try it again

    async def hit(self, rule: Rule, key: str | int, cost: int = 1) -> None:
        """Count one use (``cost`` units); RateLimited when any window of the rule is full (nothing counted in
        that window then)."""
        if not self.enabled or cost <= 0:
            return
        for item in self._items[rule]:
            if not await self._call(
                rule, item, lambda limiter, item: limiter.hit(item, rule, str(key), cost=cost)
            ):
                raise await self._refusal(rule, key)

    async def record(self, rule: Rule, key: str | int) -> None:
        """Count one use after the fact (a failed login), whether or not the windows had room."""
        if self.enabled:
            for item in self._items[rule]:
                await self._call(rule, item, lambda limiter, item: limiter.hit(item, rule, str(key)))

    async def check(self, rule: Rule, key: str | int) -> None:
        """RateLimited when the rule has no room for one more use; counts nothing."""
        if not self.enabled:
            return
        for item in self._items[rule]:
            if not await self._call(rule, item, lambda limiter, item: limiter.test(item, rule, str(key))):
                raise await self._refusal(rule, key)

    async def remaining(self, rule: Rule, key: str | int) -> int | None:
        """Units left in the fullest window; None when limits are off."""
        if not self.enabled:
            return None
        left = []
        for item in self._items[rule]:
            stats = await self._call(
                rule, item, lambda limiter, item: limiter.get_window_stats(item, rule, str(key))
            )
            left.append(stats.remaining)
        return min(left)

    async def refuse(self, rule: Rule, key: str | int) -> RateLimited:
        """The refusal for a rule found full by the caller (e.g. more bytes than ``remaining`` said)."""
        return await self._refusal(rule, key)

    def note_refusal(self, rule: Rule) -> None:
        """Count a refusal of ``rule`` decided elsewhere (the hub's cap on open sockets)."""
        self._on_refused(rule)

    async def clear(self, rule: Rule, key: str | int) -> None:
        for item in self._items[rule]:
            await self._call(rule, item, lambda limiter, item: limiter.clear(item, rule, str(key)))

    async def _refusal(self, rule: Rule, key: str | int) -> RateLimited:
        """The refusal of ``rule``, with the wait until its fullest windows all have room again: with "2/10
        seconds;3/hour" both full, the wait is the hour's, not the ten seconds after which the hour still
        refuses. (A window with room left does not hold anyone up; when none is found full, the fullest
        decides, as for a caller that found the rule too full for its own cost.)"""
        stats = [
            await self._call(rule, item, lambda limiter, item: limiter.get_window_stats(item, rule, str(key)))
            for item in self._items[rule]
        ]
        least = min(window.remaining for window in stats)
        reset = max(window.reset_time for window in stats if window.remaining == least)
        self._on_refused(rule)
        return RateLimited(rule, max(1, math.ceil(reset - time.time())))

    async def _call(
        self, rule: Rule, item: RateLimitItem, op: Callable[[RateLimiter, RateLimitItem], Awaitable[T]]
    ) -> T:
        """``op(strategy, item)`` on the rule's strategy over Redis, or over memory when Redis is out (or the rule
        is local)."""
        if self._shared is not None and not rule.is_local and time.monotonic() >= self._retry_at:
            try:
                result = await op(self._shared.of(rule), item)
                self._outage = False
                return result
            except StorageError as exc:
                self._retry_at = time.monotonic() + RETRY_SECONDS
                if not self._outage:
                    log.warning("rate limits counted in memory: Redis is unreachable (%s)", exc)
                    self._outage = True
        return await op(self._memory.of(rule), item)
