"""Housekeeping every process runs on a timer (pruning the event log, deleting uploads never sent), and the
base of the background workers every process runs."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
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


class BackgroundLoop:
    """A task this process runs from start-up to shutdown (the mass message and notification workers)."""

    task_name = "background-loop"

    def __init__(self) -> None:
        self.name = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"  # who holds a lease
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        raise NotImplementedError
