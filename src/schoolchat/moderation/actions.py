"""Moderation actions: each checks policy, changes rows, appends its events and an audit row, in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from schoolchat import audit
from schoolchat.attachments import writes as attachment_writes
from schoolchat.auth.actor import Actor
from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations import writes as conversation_writes
from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.errors import not_found
from schoolchat.messages import erasure
from schoolchat.messages import queries as message_queries
from schoolchat.messages.schemas import MessageOut
from schoolchat.moderation import queries
from schoolchat.moderation.models import report_reviewers, reports
from schoolchat.notifications import enqueue
from schoolchat.notifications.jobs import channels
from schoolchat.people.queries import space_org
from schoolchat.policy.decision import require
from schoolchat.policy.moderation import (
    DeleteFacts,
    may_delete_conversation,
    may_moderator_delete,
    may_remove_participant,
    may_report_conversation,
    may_report_message,
    may_restore_conversation,
)
from schoolchat.policy.safeguarding import may_escalate
from schoolchat.realtime import log
from schoolchat.realtime.events import EventType
from schoolchat.realtime.schemas import ReportWaiting
from schoolchat.safeguarding import queries as safeguarding_queries
from schoolchat.services import Services


async def moderator_delete(
    services: Services, actor: Actor, message_id: int, *, confirmed: bool, reason: str | None
) -> MessageOut:
    """§5.5: a teacher or admin in the conversation deletes someone's message, after confirming. The content is
    gone from every copy (only a report's frozen evidence keeps it, for its reviewers, and the confirmation says
    so); everyone sees "This message was removed by NAME"."""
    async with services.db.write() as tx:
        row = await message_queries.get_visible(tx.conn, actor.id, message_id)
        access = await conversation_queries.get_access(tx.conn, actor.id, row.conversation_id)
        facts = await queries.moderator_facts(tx.conn, actor, access)
        message = DeleteFacts(
            deleted=row.deleted_at is not None,
            author_name=row.sender_name,
            held_as_evidence=await queries.held_as_evidence(tx.conn, row.conversation_id, row.id),
        )
        require(may_moderator_delete(facts, message, moderator_name=actor.name, confirmed=confirmed))
        wire = (await erasure.erase(tx, services, [row.id], by=actor.id))[row.id]
        await audit.record(
            tx,
            actor,
            "message.removed",
            "message",
            message_id,
            org_ids=await _conversation_orgs(tx, access.conversation),
            reason=reason,
            details={"conversation_id": row.conversation_id, "author_id": row.sender_id},
        )
    return wire


async def remove_participant(
    services: Services, actor: Actor, conversation_id: int, user_id: int, reason: str | None
) -> None:
    """§5.6: a teacher or admin in a group conversation removes someone; they stop sending and receiving at once."""
    async with services.db.write() as tx:
        access = await conversation_queries.get_access(tx.conn, actor.id, conversation_id)
        target = (
            await tx.conn.execute(
                select(memberships.c.formal).where(
                    memberships.c.conversation_id == conversation_id,
                    memberships.c.user_id == user_id,
                    memberships.c.active.is_(True),
                )
            )
        ).first()
        if target is None:
            raise not_found("participant")
        facts = await queries.moderator_facts(tx.conn, actor, access)
        require(
            may_remove_participant(
                facts, kind=access.kind, target_formal=target.formal, target_is_self=user_id == actor.id
            )
        )
        await conversation_writes.remove_members(
            tx, conversation_id, [user_id], by=actor.id, reason="removed", now=utcnow()
        )
        await audit.record(
            tx,
            actor,
            "participant.removed",
            "conversation",
            conversation_id,
            org_ids=await _conversation_orgs(tx, access.conversation),
            reason=reason,
            details={"user_id": user_id},
        )


async def report_message(
    services: Services, actor: Actor, message_id: int, reason: str, category: str
) -> int:
    """§4.3: report a message from someone else; the evidence around it (with every earlier text of its edited
    messages) is frozen at this moment."""
    async with services.db.write() as tx:
        row = await message_queries.get_visible(tx.conn, actor.id, message_id)
        require(may_report_message(is_author=row.sender_id == actor.id, deleted=row.deleted_at is not None))
        access = await conversation_queries.get_access(tx.conn, actor.id, row.conversation_id)
        return await _file_report(
            tx,
            services,
            actor,
            access.conversation,
            message_id,
            [row.sender_id],
            reason,
            category,
            await queries.freeze_evidence(tx.conn, access.conversation, row.seq),
        )


async def report_conversation(
    services: Services, actor: Actor, conversation_id: int, reason: str, category: str
) -> int:
    """§4.2: report a group conversation; its newest messages are frozen as evidence."""
    async with services.db.write() as tx:
        access = await conversation_queries.get_access(tx.conn, actor.id, conversation_id)
        require(may_report_conversation(access.kind))
        others = [
            m for m in await conversation_queries.active_member_ids(tx.conn, conversation_id) if m != actor.id
        ]
        return await _file_report(
            tx,
            services,
            actor,
            access.conversation,
            None,
            others,
            reason,
            category,
            await queries.freeze_evidence(tx.conn, access.conversation, None),
        )


async def _file_report(
    tx: Tx,
    services: Services,
    actor: Actor,
    conversation: Any,
    message_id: int | None,
    author_ids: list[int],
    reason: str,
    category: str,
    evidence: dict[str, Any],
) -> int:
    """File the report to its reviewers; a self-harm concern alerts the safeguarding leads among them at once."""
    reviewers = await queries.route_report(tx.conn, conversation, actor.id, author_ids)
    orgs = await queries.report_orgs(tx.conn, conversation, actor.id)
    now = utcnow()
    report_id: int = (
        await tx.conn.execute(
            insert(reports)
            .values(
                conversation_id=conversation.id,
                message_id=message_id,
                reporter_id=actor.id,
                reporter_visible=conversation.kind == "direct",
                reason=reason,
                category=category,
                status="open",
                evidence=evidence,
                created_at=now,
            )
            .returning(reports.c.id)
        )
    ).scalar_one()
    await attachment_writes.hold_as_evidence(
        tx, report_id, [file["id"] for message in evidence["messages"] for file in message["attachments"]]
    )
    if reviewers:
        await tx.conn.execute(
            insert(report_reviewers),
            [{"report_id": report_id, "user_id": reviewer} for reviewer in reviewers],
        )
    for reviewer in reviewers:
        await log.append(
            tx,
            EventType.REPORT_CREATED,
            ReportWaiting(report_id=report_id, category=category),
            user_id=reviewer,
        )
    if category == "self_harm":
        leads = set(await safeguarding_queries.leads_of(tx.conn, orgs)) & set(reviewers)
        await enqueue.alert_now(
            tx, report_id, conversation.id, sorted(leads), channels(services.settings), now=now
        )
    await audit.record(
        tx,
        None,
        "report.created",
        "report",
        report_id,
        org_ids=orgs,
        details={
            "conversation_id": conversation.id,
            "message_id": message_id,
            "reviewers": reviewers,
            "category": category,
        },
    )
    return report_id


async def open_report(services: Services, actor: Actor, report_id: int) -> None:
    """A reviewer who opens a report joins its conversation, not as a formal participant, with moderation rights.
    Opening is recorded in the audit log, readable by the admins of the report's schools."""
    async with services.db.write() as tx:
        report = await queries.get_for_reviewer(tx.conn, actor.id, report_id)
        member = (
            await tx.conn.execute(
                select(memberships.c.active).where(
                    memberships.c.conversation_id == report.conversation_id, memberships.c.user_id == actor.id
                )
            )
        ).first()
        if member is None or not member.active:
            await conversation_writes.add_members(
                tx, report.conversation_id, [actor.id], by=actor.id, now=utcnow(), formal=False
            )
        await audit.record(
            tx,
            actor,
            "report.opened",
            "report",
            report_id,
            org_ids=await _report_orgs(tx, report),
            details={"conversation_id": report.conversation_id},
        )


async def record_read_through_report(services: Services, actor: Actor, conversation_id: int) -> None:
    """Staff read a conversation they are not a formal participant of (they joined it through a report): the
    audit log records who, which conversation, when and through which report (the newest they review there).
    Called when the conversation's history is opened (its first page), not for each older page scrolled to: one
    row per opening. Formal participants and the conversation's own staff leave no row."""
    async with services.db.write() as tx:
        membership = (
            await tx.conn.execute(
                select(memberships.c.formal).where(
                    memberships.c.conversation_id == conversation_id,
                    memberships.c.user_id == actor.id,
                    memberships.c.active.is_(True),
                )
            )
        ).first()
        if membership is None or membership.formal:
            return
        report = await queries.newest_reviewed_in(tx.conn, actor.id, conversation_id)
        if report is None:
            return
        await audit.record(
            tx,
            actor,
            "conversation.read_through_report",
            "conversation",
            conversation_id,
            org_ids=await _report_orgs(tx, report),
            details={"report_id": report.id},
        )


async def escalate_report(services: Services, actor: Actor, report_id: int, note: str) -> None:
    """The school's safeguarding lead escalates a report (passes it on: to social services, the police, the
    head), with a note; it stays open (``escalated``) until it is reviewed or dismissed."""
    async with services.db.write() as tx:
        report = await queries.get_for_reviewer(tx.conn, actor.id, report_id)
        orgs = await _report_orgs(tx, report)
        require(
            may_escalate(
                is_lead=await safeguarding_queries.leads_any_of(tx.conn, actor.id, orgs),
                status=report.status,
                note=note,
            )
        )
        await tx.conn.execute(
            update(reports)
            .where(reports.c.id == report_id)
            .values(
                status="escalated", escalated_by=actor.id, escalated_at=utcnow(), escalation_note=note.strip()
            )
        )
        await audit.record(
            tx, actor, "report.escalated", "report", report_id, org_ids=orgs, reason=note.strip()
        )


async def review_report(services: Services, actor: Actor, report_id: int, status: str, note: str) -> None:
    """Close a report as reviewed or dismissed, with the reviewer's note."""
    async with services.db.write() as tx:
        report = await queries.get_for_reviewer(tx.conn, actor.id, report_id)
        await tx.conn.execute(
            update(reports)
            .where(reports.c.id == report_id)
            .values(status=status, reviewed_by=actor.id, reviewed_at=utcnow(), review_note=note)
        )
        await audit.record(
            tx,
            actor,
            f"report.{status}",
            "report",
            report_id,
            org_ids=await _report_orgs(tx, report),
            reason=note,
        )


async def delete_conversation(
    services: Services, actor: Actor, conversation_id: int, *, confirmed: bool, reason: str | None
) -> None:
    """§5.7: delete a course or project conversation; participants keep its history but cannot send, and a new
    course conversation can be started at any time."""
    async with services.db.write() as tx:
        access = await conversation_queries.get_access(tx.conn, actor.id, conversation_id)
        staff_here = await conversation_queries.is_staff_in(tx.conn, actor, access.conversation.space_id)
        require(
            may_delete_conversation(
                access.kind, access.conversation.status, staff_here=staff_here, confirmed=confirmed
            )
        )
        await conversation_writes.set_status(tx, actor, conversation_id, "deleted")
        await audit.record(
            tx,
            actor,
            "conversation.deleted",
            "conversation",
            conversation_id,
            org_ids=await _conversation_orgs(tx, access.conversation),
            reason=reason,
        )


async def restore_conversation(services: Services, actor: Actor, report_id: int) -> int:
    """§5.7 note: a reviewer restores a deleted conversation that was reported, from the original report."""
    async with services.db.write() as tx:
        report = await queries.get_for_reviewer(tx.conn, actor.id, report_id)
        conversation = (
            await tx.conn.execute(select(conversations).where(conversations.c.id == report.conversation_id))
        ).one()
        live = (
            await conversation_queries.live_space_conversation(tx.conn, conversation.space_id)
            if conversation.space_id is not None
            else None
        )
        require(may_restore_conversation(conversation.status, newer_live_exists=live is not None))
        await conversation_writes.set_status(tx, actor, conversation.id, "open")
        await audit.record(
            tx,
            actor,
            "conversation.restored",
            "conversation",
            conversation.id,
            org_ids=await _conversation_orgs(tx, conversation),
            details={"report_id": report_id},
        )
        restored: int = conversation.id
        return restored


async def _report_orgs(tx: Tx, report: Any) -> list[int]:
    conversation = (
        await tx.conn.execute(select(conversations).where(conversations.c.id == report.conversation_id))
    ).one()
    return await queries.report_orgs(tx.conn, conversation, report.reporter_id)


async def _conversation_orgs(tx: Tx, conversation: Any) -> list[int]:
    if conversation.space_id is None:
        return []
    org_id = await space_org(tx.conn, conversation.space_id)
    return [org_id] if org_id is not None else []
