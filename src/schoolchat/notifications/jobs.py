"""Expanding a message's notification job into per-person items, in batches under a lease.

A job names one message. A worker claims it (``lease.claim_oldest``) and walks the conversation's active members
in user-id order, ``batch_size`` at a time; each batch is one transaction that renews the lease (a worker that
lost it stops), asks the policy who is to be told and when, inserts their items (a repeated batch inserts
nothing twice: ``(message, person, channel)`` is unique) and moves the cursor. A crash loses at most the
uncommitted batch; another process takes the job over when the lease runs out.

With no channel configured nothing can be delivered, so no job is expanded: ``close_undeliverable`` marks every
waiting job done in one statement a round (expanding them cost two transactions and five queries a message).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from schoolchat.config import Settings
from schoolchat.conversations.models import memberships
from schoolchat.db.upsert import insert_ignoring_conflicts
from schoolchat.messages.models import messages
from schoolchat.notifications import queries
from schoolchat.notifications.lease import claim_oldest
from schoolchat.notifications.models import notification_items as items
from schoolchat.notifications.models import notification_jobs as jobs
from schoolchat.people.reach import org_tree
from schoolchat.policy.notifications import Timing, due_times, may_notify
from schoolchat.services import Services


def timing(services: Services) -> Timing:
    settings = services.settings
    return Timing(
        soon=timedelta(minutes=settings.notify_soon_minutes),
        push_delay=timedelta(seconds=settings.notify_push_delay_seconds),
        daily_hour=settings.notify_daily_hour,
    )


def channels(settings: Settings) -> frozenset[str]:
    """The channels this service can deliver on: email with an SMTP server, push with VAPID keys."""
    return frozenset(
        channel
        for channel, configured in (("email", settings.smtp_host), ("push", settings.vapid_private_key))
        if configured
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Jobs no worker holds: queued, or running under a lease that has run out."""
    return (jobs.c.status == "queued") | ((jobs.c.status == "running") & (jobs.c.lease_until < now))


async def claim(services: Services, worker: str, lease: timedelta, now: datetime) -> int | None:
    async with services.db.write() as tx:
        rows = await claim_oldest(
            tx, jobs, _claimable(now), {"status": "running", "worker": worker, "lease_until": now + lease}
        )
    return rows[0].id if rows else None


async def close_undeliverable(services: Services, now: datetime) -> None:
    """Mark every job no worker holds done, unexpanded: for a service with no channel (nothing to deliver on)."""
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(jobs).where(_claimable(now)).values(status="done", worker=None, lease_until=None)
        )


async def expand_batch(
    services: Services, job_id: int, worker: str, lease: timedelta, batch_size: int, now: datetime
) -> bool:
    """Turn the job's next members into due items; True while members remain (and the lease is still ours)."""
    async with services.db.write() as tx:
        job = (
            await tx.conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.worker == worker, jobs.c.status == "running")
                .values(lease_until=now + lease)
                .returning(*jobs.c)
            )
        ).first()
        if job is None:
            return False
        message = (
            await tx.conn.execute(
                select(messages.c.sender_id, messages.c.created_at, messages.c.deleted_at).where(
                    messages.c.id == job.message_id
                )
            )
        ).one()
        batch: list[int] = []
        # A message deleted before its job ran tells no one.
        if message.deleted_at is None:
            batch = list(
                (
                    await tx.conn.execute(
                        select(memberships.c.user_id)
                        .where(
                            memberships.c.conversation_id == job.conversation_id,
                            memberships.c.active.is_(True),
                            memberships.c.user_id > job.cursor_user_id,
                        )
                        .order_by(memberships.c.user_id)
                        .limit(batch_size)
                    )
                ).scalars()
            )
        facts = await queries.recipient_facts(
            tx.conn,
            job.conversation_id,
            batch,
            await org_tree(tx.conn),
            await queries.settings_rows(tx.conn),
            channels(services.settings),
        )
        when = timing(services)
        rows = [
            {
                "user_id": user_id,
                "channel": channel,
                "conversation_id": job.conversation_id,
                "message_id": job.message_id,
                "due_at": due,
                "send_id": None,
            }
            for user_id in batch
            if may_notify(facts[user_id], message.sender_id)
            for channel, due in due_times(facts[user_id], message.created_at, now, job.urgent, when).items()
        ]
        await insert_ignoring_conflicts(tx.conn, items, rows, key=["message_id", "user_id", "channel"])
        finished = len(batch) < batch_size
        await tx.conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(
                cursor_user_id=batch[-1] if batch else job.cursor_user_id,
                **({"status": "done", "worker": None, "lease_until": None} if finished else {}),
            )
        )
    return not finished
