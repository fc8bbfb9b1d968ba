"""Erasing a person (GDPR Art. 17), and letting evidence under legal hold go once the hold has passed.

An erasure is two steps. At once, in one transaction: the account becomes a tombstone ("Former user", sign-in
details and roster ids cleared, deactivated through ``administration.writes.deactivate``, so sessions and sockets end),
the reports whose evidence holds the person's content are put under legal hold, and the audit log records it.
Then the job erases the person's messages through ``messages.erasure.erase``, ``BATCH`` per transaction (a person
with 50,000 messages is a hundred short transactions, each holding SQLite's write lock briefly, rather than one
that blocks every writer for minutes). The job is safe to repeat and to run in several processes at once
(``serve --workers N``): each batch claims the erasure's row, and erases only messages that still have content, so
two processes never do a batch twice and a process that dies leaves the rest to the next round. Releasing a hold
claims it by marking it released first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from schoolchat import audit
from schoolchat.administration import writes as people_writes
from schoolchat.administration.roster.models import roster_ids
from schoolchat.attachments import writes as attachment_writes
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.errors import not_found
from schoolchat.messages import erasure
from schoolchat.messages import queries as message_queries
from schoolchat.messages.models import messages
from schoolchat.moderation.models import reports
from schoolchat.notifications.models import notification_preferences, push_subscriptions
from schoolchat.people import queries as people_queries
from schoolchat.people.models import users
from schoolchat.policy.admin import may_administer_user
from schoolchat.policy.decision import require
from schoolchat.policy.privacy import may_erase_person
from schoolchat.policy.texts import FORMER_USER
from schoolchat.privacy import exports, jobs, queries, retention
from schoolchat.privacy.models import legal_holds, person_erasures
from schoolchat.realtime.models import events
from schoolchat.services import Services

BATCH = 500  # messages erased per transaction of the job


async def erase_person(
    services: Services, actor: Actor, user_id: int, *, confirmed: bool, reason: str | None
) -> dict[str, Any]:
    """Erase a person: the tombstone and the legal holds now, their messages by the job. Returns the erasure."""
    async with services.db.write() as tx:
        chains = await people_queries.user_org_chains(tx.conn, user_id)
        require(may_administer_user(actor.roles, chains))  # someone unknown looks like someone out of reach
        person = (
            await tx.conn.execute(select(users.c.name, users.c.erased_at).where(users.c.id == user_id))
        ).one()
        total = await queries.messages_left(tx.conn, user_id)
        held = await queries.reports_holding(tx.conn, user_id)
        require(
            may_erase_person(
                is_self=user_id == actor.id,
                erased=person.erased_at is not None,
                confirmed=confirmed,
                name=person.name,
                messages=total,
                held_reports=len(held),
            )
        )
        now = utcnow()
        await _tombstone(tx, services, user_id, now)
        erasure_id = (
            await tx.conn.execute(
                insert(person_erasures)
                .values(user_id=user_id, requested_by=actor.id, requested_at=now, messages_total=total)
                .returning(person_erasures.c.id)
            )
        ).scalar_one()
        if held:
            await tx.conn.execute(
                insert(legal_holds), [{"erasure_id": erasure_id, "report_id": row.id} for row in held]
            )
        answer = await queries.erasure_to_wire(
            tx.conn, await queries.erasure_of(tx.conn, user_id), services.settings.legal_hold_days
        )
        await audit.record(
            tx,
            actor,
            "user.erased",
            "user",
            user_id,
            org_ids=[chain[0] for chain in chains],
            reason=reason,
            details={
                "messages": total,
                "kept": [
                    {"report_id": kept["report_id"], "reason": kept["reason"]} for kept in answer["kept"]
                ],
            },
        )
    return answer


async def _tombstone(tx: Tx, services: Services, user_id: int, now: datetime) -> None:
    """What others see becomes "Former user"; nothing is left to sign in with, to match a roster import or a
    launch from a learning platform by, or to send a notification to."""
    await tx.conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            name=FORMER_USER,
            title="",
            avatar_url=None,
            username=f"erased-{user_id}",
            password_hash="",
            email=None,
            working_hours=None,
            mass_messaging=False,
            language=None,
            erased_at=now,
        )
    )
    await people_writes.deactivate(tx, [user_id])
    for table in (push_subscriptions, notification_preferences):  # nothing is sent to them any more
        await tx.conn.execute(delete(table).where(table.c.user_id == user_id))
    await tx.conn.execute(
        delete(roster_ids).where(
            roster_ids.c.kind.in_(("user", "enrollment")), roster_ids.c.local_id == user_id
        )
    )
    await attachment_writes.discard_unsent_of(tx, services, user_id)
    await exports.discard_of(tx, services, user_id)
    await _rename_in_forwards(tx, user_id)


async def _rename_in_forwards(tx: Tx, user_id: int) -> None:
    """Other people's forwards of this person's messages name them: now "Former user", in the rows and the log."""
    forwards = list(
        (
            await tx.conn.execute(
                update(messages)
                .where(
                    messages.c.forwarded_from_id.in_(
                        select(messages.c.id).where(messages.c.sender_id == user_id).scalar_subquery()
                    )
                )
                .values(forwarded_from_name=FORMER_USER)
                .returning(messages.c.id)
            )
        ).scalars()
    )
    if forwards:
        wires = await message_queries.to_wire_many(
            tx.conn, list(await message_queries.by_ids(tx.conn, forwards))
        )
        await erasure.relog(tx, wires)


async def erasure_status(services: Services, actor: Actor, user_id: int) -> dict[str, Any]:
    """A person's erasure and its progress, for an admin of the person."""
    async with services.db.read() as conn:
        require(may_administer_user(actor.roles, await people_queries.user_org_chains(conn, user_id)))
        found = await queries.erasure_of(conn, user_id)
        if found is None:
            raise not_found("erasure")
        return await queries.erasure_to_wire(conn, found, services.settings.legal_hold_days)


async def continue_erasures(services: Services, *, batch_size: int = BATCH) -> int:
    """Erase the messages of every running erasure, ``batch_size`` per transaction, and mark each finished (in
    the audit log too) when none is left. Returns how many messages were erased."""
    async with services.db.read() as conn:
        running = (
            (
                await conn.execute(
                    select(person_erasures.c.id)
                    .where(person_erasures.c.finished_at.is_(None))
                    .order_by(person_erasures.c.id)
                )
            )
            .scalars()
            .all()
        )
    erased = 0
    for erasure_id in running:
        while (done := await _erase_batch(services, erasure_id, batch_size)) is not None:
            erased += done
    return erased


async def _erase_batch(services: Services, erasure_id: int, size: int) -> int | None:
    """Erase one batch of the erasure's messages; None once it is finished. The erasure's row is claimed for the
    batch (``jobs.claim_unfinished``): a process working on it at the same time waits for this batch, then picks
    the messages still left, so nothing is erased, relogged or finished twice."""
    async with services.db.write() as tx:
        job = await jobs.claim_unfinished(tx, person_erasures, erasure_id)
        if job is None:
            return None
        ids = await queries.next_batch(tx.conn, job.user_id, size)
        if not ids:
            await _relog_deleted(tx, job.user_id)
            await _finish(tx, job.id, job.user_id)
            return None
        done = await erasure.erase(tx, services, ids, by=None)
        await tx.conn.execute(
            update(person_erasures)
            .where(person_erasures.c.id == job.id)
            .values(messages_erased=person_erasures.c.messages_erased + len(done))
        )
        return len(done)


async def _relog_deleted(tx: Tx, user_id: int) -> None:
    """Messages the person had deleted before their erasure are still in the event log under their old name: the
    log now shows them as they are, from "Former user" (only those the log still holds, a few days' worth)."""
    logged = list(
        (
            await tx.conn.execute(
                select(events.c.message_id)
                .distinct()
                .where(
                    events.c.message_id.in_(
                        select(messages.c.id).where(messages.c.sender_id == user_id).scalar_subquery()
                    )
                )
            )
        ).scalars()
    )
    if logged:
        await erasure.relog(
            tx, [message_queries.to_wire(row) for row in await message_queries.by_ids(tx.conn, logged)]
        )


async def _finish(tx: Tx, erasure_id: int, user_id: int) -> None:
    finished = (
        await tx.conn.execute(
            update(person_erasures)
            .where(person_erasures.c.id == erasure_id)
            .values(finished_at=utcnow())
            .returning(person_erasures.c.messages_erased)
        )
    ).scalar_one()
    chains = await people_queries.user_org_chains(tx.conn, user_id)
    await audit.record(
        tx,
        None,
        "user.erasure_finished",
        "user",
        user_id,
        org_ids=[chain[0] for chain in chains],
        details={"messages_erased": finished},
    )


async def release_holds(services: Services, *, now: datetime | None = None) -> int:
    """Let go what closed reports kept of erased people once the hold period has passed: in each report's
    evidence their messages lose text and files and name "Former user", and a report they made loses its reason.
    Returns how many holds this round released."""
    async with services.db.read() as conn:
        due = await queries.holds_due(conn, now or utcnow(), services.settings.legal_hold_days)
    released = 0
    for hold in due:
        async with services.db.write() as tx:
            released += await _release(tx, services, hold.erasure_id, hold.report_id, hold.user_id)
    return released


async def _release(tx: Tx, services: Services, erasure_id: int, report_id: int, user_id: int) -> bool:
    """Release one hold; False when another round released it first. Marking it released is the claim: the
    ``UPDATE … WHERE released_at IS NULL`` comes first, so a second round at the same time (another process)
    waits for this transaction and then finds nothing to mark."""
    claimed = (
        await tx.conn.execute(
            update(legal_holds)
            .where(
                legal_holds.c.erasure_id == erasure_id,
                legal_holds.c.report_id == report_id,
                legal_holds.c.released_at.is_(None),
            )
            .values(released_at=utcnow())
            .returning(legal_holds.c.report_id)
        )
    ).scalar_one_or_none()
    if claimed is None:
        return False
    report = (
        await tx.conn.execute(
            select(reports.c.evidence, reports.c.reporter_id, reports.c.conversation_id).where(
                reports.c.id == report_id
            )
        )
    ).one()
    held = queries.held_content(report.evidence, user_id)
    files = [file["id"] for message in held for file in message["attachments"]]
    evidence = {
        **report.evidence,
        "messages": [
            {
                **message,
                "body": None,
                "html": None,
                "attachments": [],
                "sender": {**message["sender"], "name": FORMER_USER, "avatar_url": None},
            }
            if message["sender"]["id"] == user_id
            else message
            for message in report.evidence["messages"]
        ],
    }
    changes: dict[str, Any] = {"evidence": evidence}
    if report.reporter_id == user_id:
        changes["reason"] = ""
    await tx.conn.execute(update(reports).where(reports.c.id == report_id).values(**changes))
    await attachment_writes.release_evidence(tx, services, report_id, files)
    await audit.record(
        tx,
        None,
        "legal_hold.released",
        "report",
        report_id,
        org_ids=[chain[0] for chain in await people_queries.user_org_chains(tx.conn, user_id)],
        details={"user_id": user_id, "messages": len(held), "files": len(files)},
    )
    return True


async def run_jobs(services: Services) -> int:
    """The periodic round of every process: continue erasures and retention runs, release holds whose period has
    passed, build queued exports and delete expired ones."""
    return (
        await continue_erasures(services)
        + await retention.continue_runs(services)
        + await release_holds(services)
        + await exports.build_all(services)
        + await exports.delete_expired(services)
    )
