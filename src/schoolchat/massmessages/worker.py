"""The background worker that delivers mass messages, one per process.

Every ``schoolchat serve`` process runs one. Jobs live in the database, so it does not matter which process
accepted a message: any worker claims the oldest unclaimed job under a lease (renewed by every batch), and a job
whose worker died is taken over once its lease has run out, resuming after the last committed batch. The process
that accepts a message nudges its own worker so delivery starts at once; the others find work by polling.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from schoolchat.massmessages import actions
from schoolchat.periodic import BackgroundLoop
from schoolchat.services import Services

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
LEASE = timedelta(seconds=60)
POLL_SECONDS = 2.0


class MassMessageWorker(BackgroundLoop):
    task_name = "mass-message-worker"

    def __init__(
        self,
        services: Services,
        *,
        batch_size: int = BATCH_SIZE,
        lease: timedelta = LEASE,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.services = services
        self.batch_size = batch_size
        self.lease = lease
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def nudge(self) -> None:
        """A job was just queued here: look now rather than at the next poll."""
        self._wake.set()

    async def drain(self) -> int:
        """Deliver jobs until none is left to claim; returns how many this worker finished or gave up on."""
        handled = 0
        while (job_id := await actions.claim(self.services, self.name, self.lease)) is not None:
            try:
                while await actions.deliver_batch(
                    self.services, job_id, self.name, self.lease, self.batch_size
                ):
                    pass
            except Exception as exc:
                log.exception("mass message job %s failed", job_id)
                await actions.fail(self.services, job_id, self.name, f"{type(exc).__name__}: {exc}")
            handled += 1
        return handled

    async def _run(self) -> None:
        while True:
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is away for a moment: try again at the next poll
                log.exception("mass message worker could not claim a job")
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()
