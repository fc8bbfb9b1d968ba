"""Housekeeping every process runs on a timer: pruning the event log, deleting uploads never sent."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def every(interval_seconds: float, job: Callable[[], Awaitable[int]], what: str) -> None:
    """Run ``job`` now and then every ``interval_seconds`` until cancelled. ``job`` returns how many rows it
    deleted (logged when any). A failed round is logged and the next runs as usual: the jobs are safe to repeat
    and to run in several processes at once."""
    while True:
        try:
            deleted = await job()
            if deleted:
                log.info("%s: %d deleted", what, deleted)
        except Exception:
            log.exception("%s failed", what)
        await asyncio.sleep(interval_seconds)
