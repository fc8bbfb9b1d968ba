"""Reads for erasure: what a person's erasure removes, which reports hold their content, and its progress."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.messages.models import messages
from schoolchat.moderation.models import reports
from schoolchat.policy.privacy import CLOSED, held_until
from schoolchat.privacy import texts
from schoolchat.privacy.models import legal_holds, person_erasures
from schoolchat.wire import timestamp


async def messages_left(conn: AsyncConnection, user_id: int) -> int:
    """How many of a person's messages still have their content."""
    return (
        await conn.execute(
            select(func.count())
            .select_from(messages)
            .where(messages.c.sender_id == user_id, messages.c.deleted_at.is_(None))
        )
    ).scalar_one()


async def next_batch(conn: AsyncConnection, user_id: int, size: int) -> list[int]:
    return list(
        (
            await conn.execute(
                select(messages.c.id)
                .where(messages.c.sender_id == user_id, messages.c.deleted_at.is_(None))
                .order_by(messages.c.id)
                .limit(size)
            )
        ).scalars()
    )


def held_content(evidence: dict[str, Any], user_id: int) -> list[dict[str, Any]]:
    """The messages of ``user_id`` whose text or files a report's evidence keeps."""
    return [
        message
        for message in evidence["messages"]
        if message["sender"]["id"] == user_id and (message["body"] is not None or message["attachments"])
    ]


async def reports_holding(conn: AsyncConnection, user_id: int) -> list[Any]:
    """The reports whose frozen evidence keeps something of this person's: messages they wrote, or the report
    they made themself (its reason)."""
    wrote_in = select(messages.c.conversation_id).where(messages.c.sender_id == user_id).distinct()
    rows = (
        await conn.execute(
            select(
                reports.c.id,
                reports.c.status,
                reports.c.reviewed_at,
                reports.c.reporter_id,
                reports.c.evidence,
            )
            .where((reports.c.reporter_id == user_id) | reports.c.conversation_id.in_(wrote_in))
            .order_by(reports.c.id)
        )
    ).all()
    return [row for row in rows if row.reporter_id == user_id or held_content(row.evidence, user_id)]


async def erasure_of(conn: AsyncConnection, user_id: int) -> Any | None:
    return (await conn.execute(select(person_erasures).where(person_erasures.c.user_id == user_id))).first()


async def erasure_to_wire(conn: AsyncConnection, erasure: Any, hold_days: int) -> dict[str, Any]:
    """An erasure as the admin sees it: progress, and what legal hold keeps and why."""
    holds = (
        await conn.execute(
            select(
                legal_holds.c.report_id, legal_holds.c.released_at, reports.c.status, reports.c.reviewed_at
            )
            .join(reports, reports.c.id == legal_holds.c.report_id)
            .where(legal_holds.c.erasure_id == erasure.id)
            .order_by(legal_holds.c.report_id)
        )
    ).all()
    kept = []
    for hold in holds:
        until = held_until(hold.status, hold.reviewed_at, hold_days)
        kept.append(
            {
                "report_id": hold.report_id,
                "report_status": hold.status,
                "held_until": timestamp(until) if until else None,
                "released_at": timestamp(hold.released_at) if hold.released_at else None,
                "reason": texts.hold_reason(hold.report_id, hold.status in CLOSED, hold_days),
            }
        )
    return {
        "user_id": erasure.user_id,
        "status": "finished" if erasure.finished_at else "running",
        "requested_at": timestamp(erasure.requested_at),
        "finished_at": timestamp(erasure.finished_at) if erasure.finished_at else None,
        "messages_total": erasure.messages_total,
        "messages_erased": erasure.messages_erased,
        "kept": kept,
    }


async def holds_due(conn: AsyncConnection, now: datetime, hold_days: int) -> list[Any]:
    """Legal holds whose report was closed more than ``hold_days`` ago: their evidence may let go."""
    return list(
        (
            await conn.execute(
                select(legal_holds.c.erasure_id, legal_holds.c.report_id, person_erasures.c.user_id)
                .join(reports, reports.c.id == legal_holds.c.report_id)
                .join(person_erasures, person_erasures.c.id == legal_holds.c.erasure_id)
                .where(
                    legal_holds.c.released_at.is_(None),
                    reports.c.status.in_(CLOSED),
                    reports.c.reviewed_at < now - timedelta(days=hold_days),
                )
                .order_by(legal_holds.c.report_id)
            )
        ).all()
    )
