"""The in-process counters (no Redis) free expired entries at most once a second, whatever the rate of hits, and
still refuse at the limit."""

from __future__ import annotations

import asyncio

import pytest

from schoolchat.config import Settings
from schoolchat.ratelimit import limiter as limiter_module
from schoolchat.ratelimit.limiter import Limiter, RateLimited
from schoolchat.ratelimit.rules import Rule


def _limiter(settings: Settings, **rates: str) -> Limiter:
    return Limiter(settings.model_copy(update={"redis_url": None, **rates}))


async def test_many_hits_start_one_sweep_of_expired_entries_a_second(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = _limiter(settings, rate_hub_invocations="1000/10 seconds")
    sweeps = [0]

    async def counted() -> None:
        sweeps[0] += 1

    # limits' own sweep, by its mangled name: an upgrade that renames it fails here, not silently
    monkeypatch.setattr(limiter._memory.moving.storage, "_MemoryStorage__expire_events", counted)
    for person in range(200):
        await limiter.hit(Rule.HUB_INVOCATIONS, person)
    await asyncio.sleep(0)  # the sweep runs as a task of its own
    assert sweeps == [1]
    monkeypatch.setattr(limiter_module, "SWEEP_SECONDS", 0.0)
    await limiter.hit(Rule.HUB_INVOCATIONS, 0)
    await asyncio.sleep(0)
    assert sweeps == [2]


async def test_the_counters_refuse_at_the_limit_between_sweeps(settings: Settings) -> None:
    limiter = _limiter(settings, rate_reports="3/minute")
    for _ in range(3):
        await limiter.hit(Rule.REPORTS, 7)
    with pytest.raises(RateLimited):
        await limiter.hit(Rule.REPORTS, 7)
    await limiter.hit(Rule.REPORTS, 8)
