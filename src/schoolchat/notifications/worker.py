"""The notification worker, one per process: expands jobs, groups due items into sends, delivers them.

Everything it works on lives in the database under leases (``lease.claim_oldest``), so any number of processes
may run it: each job, and each send, is held by one worker at a time, and one whose worker died is taken over
when its lease has run out. ``tick(now)`` does one full round at the given time; the service calls it every
``POLL_SECONDS`` with the clock, the tests with the time they want.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from schoolchat.db.types import utcnow
from schoolchat.i18n.context import set_reader_language
from schoolchat.notifications import content, email, jobs, push, sends
from schoolchat.people.languages import recipient_language
from schoolchat.periodic import BackgroundLoop
from schoolchat.services import Services

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
LEASE = timedelta(seconds=60)
POLL_SECONDS = 5.0
SEND_BATCH = 100  # sends claimed at once (all delivered well within the lease)
LANES = 4  # sends in flight at once


def _stop_if_cancelled() -> None:
    """Stop a worker that was asked to: a cancellation that arrives while a write commits, or while aiosmtplib
    waits for the server, is absorbed there, and carrying on would race the process taking the work over."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class NotificationWorker(BackgroundLoop):
    task_name = "notification-worker"

    def __init__(
        self,
        services: Services,
        *,
        batch_size: int = BATCH_SIZE,
        lease: timedelta = LEASE,
        poll_seconds: float = POLL_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.services = services
        self.batch_size = batch_size
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.clock = clock

    async def tick(self, now: datetime) -> int:
        """One round at ``now``: expand every job, group what is due, deliver every send due; returns how many
        sends this worker delivered."""
        if not jobs.channels(self.services.settings):
            await jobs.close_undeliverable(self.services, now)  # nothing can be delivered: nothing to expand
        else:
            while (job_id := await jobs.claim(self.services, self.name, self.lease, now)) is not None:
                while await jobs.expand_batch(
                    self.services, job_id, self.name, self.lease, self.batch_size, now
                ):
                    pass
        while await sends.group_due(self.services, now):
            pass
        delivered = 0
        while claimed := await sends.claim(self.services, self.name, self.lease, now, SEND_BATCH):
            delivered += await self._deliver_all(claimed, now)
            _stop_if_cancelled()
        return delivered

    async def _deliver_all(self, claimed: list[Any], now: datetime) -> int:
        """Deliver claimed sends in ``LANES`` lanes, each on its own SMTP connection: a lane waiting for the mail
        server or the database leaves the others working (on SQLite their commits share one fsync)."""
        waiting = list(claimed)

        async def lane() -> int:
            transport, done = email.Transport(self.services.settings), 0
            try:
                while waiting:
                    _stop_if_cancelled()
                    done += await self._deliver(waiting.pop(0), transport, now)
            finally:
                await transport.close()
            return done

        return sum(await asyncio.gather(*(lane() for _ in range(min(LANES, len(claimed))))))

    async def _deliver(self, send: Any, transport: email.Transport, now: datetime) -> int:
        settings = self.services.settings
        carried = await sends.items_of(self.services, send.id)
        async with self.services.db.read() as conn:
            # The rest of this send (conversation names, the email, the push) is written in the recipient's language.
            set_reader_language(await recipient_language(conn, send.user_id))
            digest = await content.compose(
                conn,
                send.user_id,
                send.channel,
                [item.conversation_id for item in carried if item.report_id is None],
                [item.report_id for item in carried if item.report_id is not None],
            )
        if digest is None or send.channel not in jobs.channels(settings):
            await sends.finish(self.services, send.id, self.name, "cancelled", now)
            return 0
        try:
            if send.channel == "email":
                await transport.deliver(email.compose(settings, send.id, digest, now))
            elif not (await push.deliver(self.services, digest)).delivered:
                await sends.finish(
                    self.services, send.id, self.name, "cancelled", now
                )  # every device expired
                return 0
        except email.DeliveryFailed as exc:
            log.warning(
                "notification %s to user %s failed (attempt %s): %s",
                send.id,
                send.user_id,
                send.attempts,
                exc,
            )
            await sends.retry_later(self.services, send, self.name, str(exc), now)
            return 0
        # Accepted: recorded at once, so that only a crash in the next few milliseconds can repeat it.
        await sends.finish(self.services, send.id, self.name, "sent", now)
        return 1

    async def _run(self) -> None:
        while True:
            try:
                await self.tick(self.clock())
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is away for a moment: try again at the next poll
                log.exception("notification worker round failed")
            await asyncio.sleep(self.poll_seconds)
