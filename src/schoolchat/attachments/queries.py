"""Reads of attachments, only through what the caller may see: a file is reached through a message in a
conversation the caller is an active member of, or, before it is sent, by its uploader alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.attachments.models import attachments, evidence_attachments, message_attachments
from schoolchat.conversations.models import memberships
from schoolchat.errors import not_found
from schoolchat.messages.models import messages


def to_wire(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "size": row.size, "content_type": row.content_type}


async def for_messages(conn: AsyncConnection, message_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each message's attachments, in the order they were sent."""
    wanted = sorted(set(message_ids))
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not wanted:
        return found
    rows = await conn.execute(
        select(message_attachments.c.message_id, attachments)
        .join(attachments, attachments.c.id == message_attachments.c.attachment_id)
        .where(message_attachments.c.message_id.in_(wanted))
        .order_by(message_attachments.c.message_id, message_attachments.c.position)
    )
    for row in rows:
        found[row.message_id].append(to_wire(row))
    return found


def sent() -> Any:
    """True where the file was sent: a message carries it, or a report's evidence holds it (its message may have
    been deleted since). Such a file is never the uploader's to attach again, and never swept as unsent."""
    return or_(
        exists().where(message_attachments.c.attachment_id == attachments.c.id),
        exists().where(evidence_attachments.c.attachment_id == attachments.c.id),
    )


async def get_downloadable(conn: AsyncConnection, user_id: int, attachment_id: int) -> Any:
    """The file, if the caller can see a message carrying it (or uploaded it and has not sent it yet); else 404."""
    seen_in_message = (
        exists()
        .where(message_attachments.c.attachment_id == attachments.c.id)
        .where(messages.c.id == message_attachments.c.message_id, messages.c.deleted_at.is_(None))
        .where(
            memberships.c.conversation_id == messages.c.conversation_id,
            memberships.c.user_id == user_id,
            memberships.c.active.is_(True),
        )
    )
    pending_own = and_(attachments.c.uploader_id == user_id, ~sent())
    row = (
        await conn.execute(
            select(attachments).where(attachments.c.id == attachment_id, or_(seen_in_message, pending_own))
        )
    ).first()
    if row is None:
        raise not_found("attachment")
    return row


async def pending_of(
    conn: AsyncConnection, uploader_id: int, attachment_ids: Iterable[int]
) -> dict[int, Any]:
    """Which of these files the uploader may still attach: theirs, and not sent yet.

    Run in the send's transaction: on PostgreSQL it share-locks the files, in id order, until the send commits,
    so that the sweep of unsent uploads waits for the send (``actions._delete_expired``)."""
    rows = await conn.execute(
        select(attachments)
        .where(
            attachments.c.id.in_(sorted(set(attachment_ids))),
            attachments.c.uploader_id == uploader_id,
            ~sent(),
        )
        .order_by(attachments.c.id)
        .with_for_update(read=True, key_share=True)
    )
    return {row.id: row for row in rows}


async def get_evidence(conn: AsyncConnection, report_id: int, attachment_id: int) -> Any:
    """A file held by a report's evidence; the caller must have checked that they review the report. Else 404."""
    row = (
        await conn.execute(
            select(attachments)
            .join(evidence_attachments, evidence_attachments.c.attachment_id == attachments.c.id)
            .where(evidence_attachments.c.report_id == report_id, attachments.c.id == attachment_id)
        )
    ).first()
    if row is None:
        raise not_found("attachment")
    return row


async def ids_of_message(conn: AsyncConnection, message_id: int) -> list[int]:
    rows = await conn.execute(
        select(message_attachments.c.attachment_id)
        .where(message_attachments.c.message_id == message_id)
        .order_by(message_attachments.c.position)
    )
    return list(rows.scalars())


async def by_ids(conn: AsyncConnection, attachment_ids: Iterable[int]) -> list[Any]:
    """Files by id, in the order given (those that still exist); for callers that have checked access already."""
    wanted = list(dict.fromkeys(attachment_ids))
    if not wanted:
        return []
    found = {
        row.id: row for row in await conn.execute(select(attachments).where(attachments.c.id.in_(wanted)))
    }
    return [found[attachment_id] for attachment_id in wanted if attachment_id in found]
