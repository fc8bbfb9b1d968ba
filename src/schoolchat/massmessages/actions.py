"""Accepting a mass message, and delivering it to its recipients in the background (§6.5).

Accepting is one short transaction whatever the number of recipients: the conversation (kind ``mass``, the sender
its only member so far), its one message, and a job. Delivery is a series of batch transactions run by a worker
(``massmessages.worker``): each takes the next recipients by user id, skips those whose messaging is disabled
(§6.4, counted for the sender's receipt), gives the others a membership whose read cursor leaves the message
unread, tells each of them on their own event channel that the conversation arrived, and moves the job's cursor,
all at once. A batch first renews the worker's lease on the job; a worker that lost its lease stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update

from schoolchat.auth.actor import Actor
from schoolchat.conversations import writes as conversation_writes
from schoolchat.conversations.models import memberships
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.db.upsert import insert_ignoring_conflicts
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationKind
from schoolchat.massmessages import queries
from schoolchat.massmessages.models import mass_message_jobs as jobs
from schoolchat.messages import actions as message_actions
from schoolchat.messages import queries as message_queries
from schoolchat.notifications import enqueue
from schoolchat.people import reach
from schoolchat.people.queries import org_chain
from schoolchat.policy.decision import require
from schoolchat.policy.massmessaging import may_send_mass
from schoolchat.realtime import log
from schoolchat.realtime.events import EventType
from schoolchat.realtime.schemas import ConversationChanges, ConversationUpdated, MassReceipt
from schoolchat.services import Services
from schoolchat.validation import message_body


@dataclass(frozen=True)
class Accepted:
    job: Any  # Row of ``mass_message_jobs``
    duplicate: bool = False


async def _replay(tx: Tx, actor: Actor, client_message_id: str | None, body: str) -> Accepted | None:
    """A retried send with the same ``client_message_id`` answers with the original job."""
    if client_message_id is None:
        return None
    original = await message_queries.by_client_id(tx.conn, actor.id, client_message_id)
    if original is None:
        return None
    job = await queries.job_by_message(tx.conn, original.id)
    if job is None or original.body != body:
        raise ApiError(
            409,
            "client_message_id_reused",
            text("messages.client_message_id_reused"),
            {"client_message_id": client_message_id, "message_id": original.id},
        )
    return Accepted(job, duplicate=True)


async def accept(
    services: Services,
    actor: Actor,
    *,
    org_ids: Sequence[int],
    roles: Sequence[str],
    body: str,
    client_message_id: str | None,
    urgent: bool = False,
) -> Accepted:
    """Check the privilege and the orgs, store the message once, and queue its delivery."""
    body = message_body(body, services.settings.max_message_length)
    picked, wanted_roles = sorted(set(org_ids)), sorted(set(roles))
    async with services.db.write() as tx:
        replay = await _replay(tx, actor, client_message_id, body)
        if replay is not None:
            return replay
        chains = [await org_chain(tx.conn, org_id) for org_id in picked]
        require(may_send_mass(actor.mass_messaging, actor.roles, chains))
        reached_orgs = queries.subtree(await reach.org_tree(tx.conn), picked)
        total = await queries.count_recipients(tx.conn, reached_orgs, wanted_roles, actor.id)
        now = utcnow()
        conversation_id = await conversation_writes.create_conversation(
            tx,
            kind=ConversationKind.MASS,
            name=None,  # "Mass message from …", written in the reader's language when read
            created_by=actor.id,
            now=now,
            member_ids=[actor.id],
        )
        assert conversation_id is not None
        wire = await message_actions.append_message(
            tx,
            conversation_id,
            ConversationKind.MASS,
            actor,
            body,
            client_message_id=client_message_id,
            now=now,
            forwarded=None,
        )
        job_id = (
            await tx.conn.execute(
                insert(jobs)
                .values(
                    conversation_id=conversation_id,
                    message_id=wire.id,
                    sender_id=actor.id,
                    org_ids=picked,
                    roles=wanted_roles,
                    urgent=urgent,
                    status="queued",
                    total=total,
                    created_at=now,
                )
                .returning(jobs.c.id)
            )
        ).scalar_one()
        job = (await tx.conn.execute(select(jobs).where(jobs.c.id == job_id))).one()
    return Accepted(job)


# ---- delivery (the worker's steps) ------------------------------------------------------------------------------


def _claimable(now: Any) -> Any:
    return (jobs.c.status == "queued") | ((jobs.c.status == "running") & (jobs.c.lease_until < now))


async def claim(services: Services, worker: str, lease: timedelta) -> int | None:
    """Take the oldest job nobody holds (queued, or running under a lease that ran out); None when there is none.

    The condition is repeated in the UPDATE's own WHERE, so when two processes race for one job on PostgreSQL
    the second re-checks it against the winner's row and updates nothing.
    """
    async with services.db.write() as tx:
        now = utcnow()
        oldest = select(jobs.c.id).where(_claimable(now)).order_by(jobs.c.id).limit(1).scalar_subquery()
        claimed: int | None = (
            await tx.conn.execute(
                update(jobs)
                .where(jobs.c.id == oldest, _claimable(now))
                .values(status="running", worker=worker, lease_until=now + lease)
                .returning(jobs.c.id)
            )
        ).scalar_one_or_none()
        return claimed


def receipt(job: Any) -> dict[str, Any]:
    return {
        "job_id": job.id,
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "delivered": job.delivered,
        "skipped_disabled": job.skipped_disabled,
    }


async def deliver_batch(
    services: Services, job_id: int, worker: str, lease: timedelta, batch_size: int
) -> bool:
    """Deliver the job's next batch; True while recipients remain (and the worker still holds the job)."""
    async with services.db.write() as tx:
        now = utcnow()
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
        tree = await reach.org_tree(tx.conn)
        batch = await queries.recipients_after(
            tx.conn,
            queries.subtree(tree, job.org_ids),
            job.roles,
            job.sender_id,
            job.cursor_user_id,
            batch_size,
        )
        disabled = await reach.disabled_among(tx.conn, batch, tree)
        reached = [user_id for user_id in batch if user_id not in disabled]
        await insert_ignoring_conflicts(
            tx.conn,
            memberships,
            [
                {
                    "conversation_id": job.conversation_id,
                    "user_id": user_id,
                    "formal": True,
                    "active": True,
                    "joined_at": now,
                    "last_read_seq": 0,
                }
                for user_id in reached
            ],
            key=["conversation_id", "user_id"],
        )
        for user_id in reached:
            await log.append(
                tx,
                EventType.CONVERSATION_CREATED,
                conversation_writes.conversation_created(
                    job.conversation_id, ConversationKind.MASS, None, None, [user_id]
                ),
                conversation_id=job.conversation_id,
                user_id=user_id,
            )
        finished = len(batch) < batch_size
        changed = (
            await tx.conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(
                    cursor_user_id=batch[-1] if batch else job.cursor_user_id,
                    processed=jobs.c.processed + len(batch),
                    delivered=jobs.c.delivered + len(reached),
                    skipped_disabled=jobs.c.skipped_disabled + len(disabled),
                    **(
                        {"status": "done", "finished_at": now, "worker": None, "lease_until": None}
                        if finished
                        else {}
                    ),
                )
                .returning(*jobs.c)
            )
        ).one()
        if finished:  # the sender's receipt: how many received it, how many were skipped (§6.4)
            # Everyone has it now: notify them (an urgent one even in quiet hours).
            await enqueue.notify_later(tx, job.message_id, job.conversation_id, now=now, urgent=job.urgent)
            await log.append(
                tx,
                EventType.CONVERSATION_UPDATED,
                ConversationUpdated(
                    conversation_id=job.conversation_id,
                    by=None,
                    changes=ConversationChanges(receipt=MassReceipt.model_validate(receipt(changed))),
                ),
                conversation_id=job.conversation_id,
                user_id=job.sender_id,
            )
    return not finished


async def fail(services: Services, job_id: int, worker: str, error: str) -> None:
    """Give up on a job that cannot be delivered (the sender sees the status and the error)."""
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.worker == worker)
            .values(status="failed", error=error[:2000], finished_at=utcnow(), worker=None, lease_until=None)
        )
