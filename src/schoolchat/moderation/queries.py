"""Reads for moderation: report routing and evidence, the report inbox, and the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.auth.actor import Actor
from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations.models import conversations
from schoolchat.errors import not_found
from schoolchat.messages import queries as message_queries
from schoolchat.messages import versions
from schoolchat.messages.models import messages
from schoolchat.moderation.models import audit_log, audit_log_orgs, report_reviewers, reports
from schoolchat.people.models import org_roles, space_members, spaces, users
from schoolchat.people.reach import org_tree
from schoolchat.policy import texts
from schoolchat.policy.moderation import ModeratorFacts
from schoolchat.safeguarding import queries as safeguarding_queries

CONTEXT_MESSAGES = 5  # messages frozen on either side of a reported message
CONVERSATION_EVIDENCE = 20  # newest messages frozen when a whole conversation is reported


async def moderator_facts(
    conn: AsyncConnection, actor: Actor, access: conversation_queries.Access
) -> ModeratorFacts:
    staff_here = await conversation_queries.is_staff_in(conn, actor, access.conversation.space_id)
    return ModeratorFacts(staff_here=staff_here, via_report=not access.formal)


async def freeze_evidence(conn: AsyncConnection, conversation: Any, around_seq: int | None) -> dict[str, Any]:
    """A copy of what the reviewers need, as it is now: later edits and deletions do not change it."""
    if around_seq is not None:
        rows = await message_queries.history(
            conn, conversation.id, around_seq + CONTEXT_MESSAGES + 1, 2 * CONTEXT_MESSAGES + 1
        )
    else:
        rows = await message_queries.history(conn, conversation.id, None, CONVERSATION_EVIDENCE)
    frozen = [
        message.model_dump(mode="json")  # files: held by the report
        for message in await message_queries.to_wire_many(conn, list(reversed(rows)))
    ]
    earlier = await versions.of_messages(conn, [message["id"] for message in frozen if message["edited_at"]])
    for message in frozen:
        message["versions"] = earlier.get(message["id"], [])  # the edit history, oldest first
    return {
        "conversation": {"id": conversation.id, "kind": conversation.kind, "name": conversation.name},
        "reported_seq": around_seq,
        "messages": frozen,
    }


async def route_report(
    conn: AsyncConnection, conversation: Any, reporter_id: int, author_ids: Sequence[int]
) -> list[int]:
    """Who reviews a report: the course's or project's teachers; else teachers of courses the reporter shares with
    the reported authors; else the admins of the reporter's school (or the nearest org above it that has some).
    The safeguarding leads of the report's schools (``report_orgs``) receive every report besides. Neither the
    reporter nor a reported author reviews it."""
    excluded = {reporter_id, *author_ids}
    leads = set(await safeguarding_queries.leads_of(conn, await report_orgs(conn, conversation, reporter_id)))
    return sorted(
        (set(await _teachers_or_admins(conn, conversation, reporter_id, author_ids, excluded)) | leads)
        - excluded
    )


async def _teachers_or_admins(
    conn: AsyncConnection, conversation: Any, reporter_id: int, author_ids: Sequence[int], excluded: set[int]
) -> list[int]:
    teachers = select(space_members.c.user_id).where(space_members.c.role == "teacher")
    if conversation.space_id is not None:
        found = (
            await conn.execute(teachers.where(space_members.c.space_id == conversation.space_id))
        ).scalars()
    else:
        reporter_spaces = select(space_members.c.space_id).where(space_members.c.user_id == reporter_id)
        author_spaces = select(space_members.c.space_id).where(space_members.c.user_id.in_(list(author_ids)))
        found = (
            await conn.execute(
                teachers.where(
                    space_members.c.space_id.in_(reporter_spaces), space_members.c.space_id.in_(author_spaces)
                )
            )
        ).scalars()
    reviewers = sorted(set(found) - excluded)
    if reviewers:
        return reviewers
    tree = await org_tree(conn)
    reporter_orgs = (
        await conn.execute(select(org_roles.c.org_id).where(org_roles.c.user_id == reporter_id))
    ).scalars()
    for org_id in reporter_orgs:
        for org in tree.chain(org_id):
            admins = (
                set(
                    (
                        await conn.execute(
                            select(org_roles.c.user_id).where(
                                org_roles.c.org_id == org, org_roles.c.role == "admin"
                            )
                        )
                    ).scalars()
                )
                - excluded
            )
            if admins:
                reviewers.extend(sorted(admins))
                break
    return sorted(set(reviewers))


async def report_orgs(conn: AsyncConnection, conversation: Any, reporter_id: int) -> list[int]:
    """Orgs whose admins may read a report's audit rows: the course's school, and the reporter's schools."""
    orgs = set(
        (await conn.execute(select(org_roles.c.org_id).where(org_roles.c.user_id == reporter_id))).scalars()
    )
    if conversation.space_id is not None:
        orgs |= set(
            (
                await conn.execute(select(spaces.c.org_id).where(spaces.c.id == conversation.space_id))
            ).scalars()
        )
    return sorted(orgs)


_REPORT_COLUMNS = (
    reports,
    users.c.name.label("reporter_name"),
    conversations.c.status.label("conversation_status"),
)


async def get_for_reviewer(conn: AsyncConnection, reviewer_id: int, report_id: int) -> Any:
    """A report, if the caller is one of its reviewers; 404 alike for everyone else."""
    row = (
        await conn.execute(
            select(*_REPORT_COLUMNS)
            .join(users, users.c.id == reports.c.reporter_id)
            .join(conversations, conversations.c.id == reports.c.conversation_id)
            .join(
                report_reviewers,
                and_(report_reviewers.c.report_id == reports.c.id, report_reviewers.c.user_id == reviewer_id),
            )
            .where(reports.c.id == report_id)
        )
    ).first()
    if row is None:
        raise not_found("report")
    return row


async def newest_reviewed_in(conn: AsyncConnection, reviewer_id: int, conversation_id: int) -> Any:
    """The newest report of this conversation the caller reviews (the one they read it through), or None."""
    return (
        await conn.execute(
            select(reports.c.id, reports.c.conversation_id, reports.c.reporter_id)
            .join(
                report_reviewers,
                and_(report_reviewers.c.report_id == reports.c.id, report_reviewers.c.user_id == reviewer_id),
            )
            .where(reports.c.conversation_id == conversation_id)
            .order_by(reports.c.id.desc())
            .limit(1)
        )
    ).first()


async def inbox(
    conn: AsyncConnection,
    reviewer_id: int,
    status: str | None,
    before_id: int | None,
    limit: int,
    involving: Any = None,
) -> list[Any]:
    """The reports the caller reviews, newest first; ``involving`` narrows them (a pupil's history)."""
    query = (
        select(*_REPORT_COLUMNS)
        .join(users, users.c.id == reports.c.reporter_id)
        .join(conversations, conversations.c.id == reports.c.conversation_id)
        .join(report_reviewers, report_reviewers.c.report_id == reports.c.id)
        .where(report_reviewers.c.user_id == reviewer_id)
        .order_by(reports.c.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(reports.c.status == status)
    if before_id is not None:
        query = query.where(reports.c.id < before_id)
    if involving is not None:
        query = query.where(involving)
    return list((await conn.execute(query)).all())


async def held_as_evidence(conn: AsyncConnection, conversation_id: int, message_id: int) -> bool:
    """Whether a report froze this message with its content: deleting it leaves that copy for the reviewers."""
    frozen = (
        await conn.execute(select(reports.c.evidence).where(reports.c.conversation_id == conversation_id))
    ).scalars()
    return any(message_id in _kept_ids(evidence) for evidence in frozen)


def _kept_ids(evidence: dict[str, Any]) -> set[int]:
    """The messages whose content (text or files) the evidence keeps."""
    return {
        message["id"]
        for message in evidence["messages"]
        if message["body"] is not None or message["attachments"]
    }


async def removed_since(conn: AsyncConnection, rows: Sequence[Any]) -> set[int]:
    """Of the messages these reports keep, those deleted from their conversation since."""
    kept = set().union(*(_kept_ids(row.evidence) for row in rows))
    if not kept:
        return set()
    return set(
        (
            await conn.execute(
                select(messages.c.id).where(messages.c.id.in_(kept), messages.c.deleted_at.is_not(None))
            )
        ).scalars()
    )


async def reports_to_wire(
    conn: AsyncConnection, rows: Sequence[Any], reviewer_id: int
) -> list[dict[str, Any]]:
    """Reports as this reviewer reads them (``report_to_wire``). A conversation whose name is stored null (a 1:1,
    an unnamed group, a mass message, "Sent to X people") is named at read time, as everywhere else
    (``conversations.queries.display_names``), as the reviewer sees it and in their language."""
    unnamed = sorted({row.conversation_id for row in rows if row.evidence["conversation"]["name"] is None})
    names: dict[int, str] = {}
    if unnamed:
        found = await conn.execute(
            select(conversations.c.id, conversations.c.kind, conversations.c.name).where(
                conversations.c.id.in_(unnamed)
            )
        )
        names = await conversation_queries.display_names(conn, found.all(), reviewer_id)
    removed = await removed_since(conn, rows)
    return [report_to_wire(row, removed, names) for row in rows]


def report_to_wire(row: Any, removed: set[int], names: dict[int, str]) -> dict[str, Any]:
    """A report as reviewers see it: the reporter is named only for 1:1 conversations (§5.5 note). Each frozen
    message deleted from the conversation since (``removed``, from ``removed_since``) says it is kept only here;
    a conversation frozen without a name gets the one ``names`` gives it."""
    frozen = row.evidence["conversation"]
    evidence = {
        **row.evidence,
        "conversation": {**frozen, "name": frozen["name"] or names.get(row.conversation_id)},
        "messages": [
            {**message, "kept_as_evidence": texts.kept_as_evidence() if message["id"] in removed else None}
            for message in row.evidence["messages"]
        ],
    }
    return {
        "id": row.id,
        "conversation_id": row.conversation_id,
        "message_id": row.message_id,
        "reporter": {"id": row.reporter_id, "name": row.reporter_name} if row.reporter_visible else None,
        "reason": row.reason,
        "category": row.category,
        "status": row.status,
        "evidence": evidence,
        "created_at": row.created_at,
        "escalation": {"by": row.escalated_by, "at": row.escalated_at, "note": row.escalation_note}
        if row.escalated_at is not None
        else None,
        "conversation_status": row.conversation_status,
        "reviewed_by": row.reviewed_by,
        "reviewed_at": row.reviewed_at,
        "review_note": row.review_note,
    }


async def audit_page(
    conn: AsyncConnection,
    org_ids: Iterable[int],
    *,
    actor_id: int | None,
    action: str | None,
    object_type: str | None,
    object_id: int | None,
    since: datetime | None,
    until: datetime | None,
    before_id: int | None,
    limit: int,
) -> list[Any]:
    """Audit rows readable by the admins of ``org_ids``, newest first, filtered."""
    visible = select(audit_log_orgs.c.audit_id).where(audit_log_orgs.c.org_id.in_(sorted(set(org_ids))))
    query = (
        select(audit_log, users.c.name.label("actor_name"))
        .outerjoin(users, users.c.id == audit_log.c.actor_id)
        .where(audit_log.c.id.in_(visible))
        .order_by(audit_log.c.id.desc())
        .limit(limit)
    )
    for column, value in (
        (audit_log.c.actor_id, actor_id),
        (audit_log.c.action, action),
        (audit_log.c.object_type, object_type),
        (audit_log.c.object_id, object_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if until is not None:
        query = query.where(audit_log.c.at < until)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    return list((await conn.execute(query)).all())
