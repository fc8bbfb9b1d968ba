"""A rule of several windows ("2/10 seconds;3/hour") refuses while any is full, and says to wait until all the
full ones have room: a wait after which the caller would be refused again is no answer."""

from __future__ import annotations

import pytest

from schoolchat.config import Settings
from schoolchat.ratelimit.limiter import Limiter, RateLimited
from schoolchat.ratelimit.rules import Rule


@pytest.mark.parametrize("order", ["1/10 seconds;1/hour", "1/hour;1/10 seconds"])
async def test_when_several_windows_are_full_the_wait_is_the_longest(settings: Settings, order: str) -> None:
    limiter = Limiter(settings.model_copy(update={"redis_url": None, "rate_reports": order}))
    await limiter.hit(Rule.REPORTS, 7)
    for attempt in (limiter.hit, limiter.check):
        with pytest.raises(RateLimited) as refused:
            await attempt(Rule.REPORTS, 7)
        assert 3590 < refused.value.retry_after <= 3600
