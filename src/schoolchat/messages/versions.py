"""A message's earlier texts (its edit history): written by every edit, read into a report's evidence, and
removed with the message's content (``messages.erasure``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.db import Tx
from schoolchat.db.types import UTCDateTime
from schoolchat.messages.models import message_versions, messages
from schoolchat.wire import timestamp


async def keep_current(tx: Tx, message_id: int, now: datetime) -> None:
    """Before an edit replaces it: keep the message's text as it is, with when it was written and replaced."""
    await tx.conn.execute(
        insert(message_versions).from_select(
            ["message_id", "body", "written_at", "replaced_at"],
            select(
                messages.c.id,
                messages.c.body,
                func.coalesce(messages.c.edited_at, messages.c.created_at),
                literal(now, UTCDateTime()),
            ).where(messages.c.id == message_id),
        )
    )


async def forget(tx: Tx, message_ids: Sequence[int]) -> None:
    """The earlier texts of messages whose content is being removed go with it."""
    await tx.conn.execute(
        delete(message_versions).where(message_versions.c.message_id.in_(list(message_ids)))
    )


async def of_messages(conn: AsyncConnection, message_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each message's earlier texts, oldest first, as JSON (a report freezes them)."""
    rows = (
        await conn.execute(
            select(message_versions)
            .where(message_versions.c.message_id.in_(list(message_ids)))
            .order_by(message_versions.c.message_id, message_versions.c.id)
        )
    ).all()
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.message_id, []).append(
            {
                "body": row.body,
                "written_at": timestamp(row.written_at),
                "replaced_at": timestamp(row.replaced_at),
            }
        )
    return found
