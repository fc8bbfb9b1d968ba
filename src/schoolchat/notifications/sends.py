"""Grouping due items into sends (one email or push per person), and a send's delivery state.

Exactly once, as far as a mail server can be told: a send is claimed under a lease, delivered, and marked
``sent`` in the transaction right after the server accepted it. The only window is between the server's
acceptance and that commit: a crash there makes the next worker deliver it again *with the same Message-ID*
(``<notification-{id}@…>``), which receiving systems (and our tests) dedupe on. Nothing is ever lost: a send is
``pending`` or ``running`` until it is sent, cancelled (nothing unread is left to tell) or given up after
``notify_max_attempts`` failures, each followed by a longer back-off.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from schoolchat.db.types import utcnow
from schoolchat.notifications.lease import claim_oldest
from schoolchat.notifications.models import notification_items as items
from schoolchat.notifications.models import notification_jobs as jobs
from schoolchat.notifications.models import notification_sends as sends
from schoolchat.services import Services

GROUP_BATCH = 500
MAX_BACKOFF = timedelta(hours=1)


async def group_due(services: Services, now: datetime, limit: int = GROUP_BATCH) -> int:
    """Give every person with due items one send per channel carrying them all; returns how many were made.

    Two workers grouping the same person cannot both take an item: the UPDATE only takes items without a send,
    and on PostgreSQL the second waits for the first's row locks, re-checks, and takes none (its empty send is
    dropped again)."""
    async with services.db.read() as conn:
        due = (
            await conn.execute(
                select(items.c.user_id, items.c.channel)
                .distinct()
                .where(items.c.send_id.is_(None), items.c.due_at <= now)
                .order_by(items.c.user_id, items.c.channel)
                .limit(limit)
            )
        ).all()
    made = 0
    if not due:
        return made
    async with services.db.write() as tx:
        for user_id, channel in due:
            send_id = (
                await tx.conn.execute(
                    insert(sends)
                    .values(
                        user_id=user_id,
                        channel=channel,
                        status="pending",
                        next_attempt_at=now,
                        created_at=now,
                    )
                    .returning(sends.c.id)
                )
            ).scalar_one()
            taken = (
                await tx.conn.execute(
                    update(items)
                    .where(
                        items.c.user_id == user_id,
                        items.c.channel == channel,
                        items.c.send_id.is_(None),
                        items.c.due_at <= now,
                    )
                    .values(send_id=send_id)
                )
            ).rowcount
            if taken:
                made += 1
            else:
                await tx.conn.execute(delete(sends).where(sends.c.id == send_id))
    return made


async def claim(services: Services, worker: str, lease: timedelta, now: datetime, limit: int) -> list[Any]:
    """The oldest sends due for an attempt (or whose worker's lease ran out), now ours."""
    claimable = ((sends.c.status == "pending") & (sends.c.next_attempt_at <= now)) | (
        (sends.c.status == "running") & (sends.c.lease_until < now)
    )
    async with services.db.write() as tx:
        return await claim_oldest(
            tx,
            sends,
            claimable,
            {
                "status": "running",
                "worker": worker,
                "lease_until": now + lease,
                "attempts": sends.c.attempts + 1,
            },
            limit,
        )


async def items_of(services: Services, send_id: int) -> list[Any]:
    async with services.db.read() as conn:
        return list(
            (
                await conn.execute(
                    select(items.c.conversation_id, items.c.message_id, items.c.report_id).where(
                        items.c.send_id == send_id
                    )
                )
            ).all()
        )


async def finish(services: Services, send_id: int, worker: str, status: str, now: datetime) -> bool:
    """Record the outcome (``sent`` or ``cancelled``); False when another worker has taken the send over."""
    async with services.db.write() as tx:
        return bool(
            (
                await tx.conn.execute(
                    update(sends)
                    .where(sends.c.id == send_id, sends.c.worker == worker, sends.c.status == "running")
                    .values(status=status, finished_at=now, worker=None, lease_until=None, error=None)
                )
            ).rowcount
        )


async def prune(services: Services, older_than: timedelta) -> int:
    """Forget finished work: sends sent, cancelled or given up on before the cutoff (their items go with them),
    and expanded jobs. Returns how many sends were deleted."""
    cutoff = utcnow() - older_than
    async with services.db.write() as tx:
        deleted = (
            await tx.conn.execute(
                delete(sends).where(
                    sends.c.status.in_(("sent", "cancelled", "failed")), sends.c.finished_at < cutoff
                )
            )
        ).rowcount
        await tx.conn.execute(delete(jobs).where(jobs.c.status == "done", jobs.c.created_at < cutoff))
    return int(deleted)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def retry_later(services: Services, send: Any, worker: str, error: str, now: datetime) -> None:
    """A failed attempt: try again after the back-off, or give up after the last allowed attempt."""
    given_up = send.attempts >= services.settings.notify_max_attempts
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(sends)
            .where(sends.c.id == send.id, sends.c.worker == worker)
            .values(
                status="failed" if given_up else "pending",
                next_attempt_at=now + backoff(send.attempts),
                worker=None,
                lease_until=None,
                error=error[:2000],
                finished_at=now if given_up else None,
            )
        )
