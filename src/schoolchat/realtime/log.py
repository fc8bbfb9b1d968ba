"""Appending to the event log (inside an action's transaction) and reading it back for resync."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.db import Tx
from schoolchat.db.event_order import lock_event_order
from schoolchat.db.prepared import Later, Prepared
from schoolchat.db.types import utcnow
from schoolchat.realtime.events import Event, EventType, for_log
from schoolchat.realtime.membership import Membership
from schoolchat.realtime.models import events


def event_insert(**columns: ColumnElement[Any]) -> Prepared:
    """The statement that writes an event row, with some columns computed by the database instead of bound (a
    message's event written before its ``seq`` came back takes it from the message row; ``append(written_by=)``)."""
    values: dict[str, Any] = {
        column: bindparam(column)
        for column in ("type", "conversation_id", "user_id", "message_id", "payload", "created_at")
    }
    return Prepared(insert(events).values({**values, **columns}).returning(events.c.id))


_INSERT = event_insert()


@dataclass(frozen=True, slots=True)
class _Pending:
    type: EventType
    payload: dict[str, Any]
    conversation_id: int | None
    user_id: int | None
    message_id: int | None
    written_by: Prepared | None
    model: BaseModel

    def published(self) -> dict[str, Any]:
        """What the bus carries: the payload as logged, or, when the database completed the row (``written_by``),
        the model once more, which the commit's callbacks have completed too (a pipelined message's ``seq``)."""
        return self.payload if self.written_by is None else for_log(as_json(self.model))


async def append(
    tx: Tx,
    type: EventType,
    payload: BaseModel,
    *,
    conversation_id: int | None = None,
    user_id: int | None = None,
    message_id: int | None = None,
    written_by: Prepared | None = None,
) -> None:
    """Add one event to the caller's transaction; it reaches the bus only after the transaction commits.
    ``payload`` is the type's model in ``realtime.schemas`` (the fields left unset stay out of it).

    An event that carries a message's content names it in ``message_id``, so that ``rewrite_message_events``
    can replace that content when the message is edited or deleted. ``written_by``: the statement that writes its
    row, if not the plain insert (``event_insert``).

    The rows are written as the transaction's last statements (see ``db.event_order``), so event ids commit in
    increasing order and "everything after id N" never skips an event that committed late. They are published
    where the transaction says (``Tx.publish``, the bus the Database was wired to).
    """
    publish = tx.publish
    if publish is None:
        raise RuntimeError("This database publishes no events: wire it into Services with a bus first.")
    if not tx.outbox:
        written: list[tuple[_Pending, datetime, Later]] = []

        async def _write() -> None:
            await lock_event_order(tx)
            now = utcnow()
            for item in tx.outbox:
                written.append(
                    (
                        item,
                        now,
                        await (item.written_by or _INSERT).later(
                            tx,
                            type=str(item.type),
                            conversation_id=item.conversation_id,
                            user_id=item.user_id,
                            message_id=item.message_id,
                            payload=item.payload,
                            created_at=now,
                        ),
                    )
                )

        async def _publish() -> None:
            await publish(
                [
                    Event(row.scalar(), item.type, item.conversation_id, item.user_id, item.published(), at)
                    for item, at, row in written
                ]
            )

        tx.on_before_commit(_write)
        tx.on_commit(_publish)
    tx.outbox.append(
        _Pending(type, for_log(as_json(payload)), conversation_id, user_id, message_id, written_by, payload)
    )


def as_json(payload: BaseModel) -> dict[str, Any]:
    return payload.model_dump(mode="json", exclude_unset=True)


_REWRITE = update(events).where(events.c.message_id == bindparam("mid")).values(payload=bindparam("content"))


async def rewrite_message_events(tx: Tx, payloads: Sequence[tuple[int, BaseModel]]) -> None:
    """Every logged event about each message (``message_id``) now carries the given payload: the message as it is
    now, so no reader of the log (``GET /api/events``, the hub's resync, another process's catch-up) is served
    text the message no longer has; events still queued in ``tx`` are rewritten before they are written.
    """
    if not payloads:
        return
    current = {message_id: for_log(as_json(payload)) for message_id, payload in payloads}
    await tx.conn.execute(
        _REWRITE, [{"mid": message_id, "content": payload} for message_id, payload in current.items()]
    )
    tx.outbox[:] = [
        replace(item, payload=current[item.message_id]) if item.message_id in current else item
        for item in tx.outbox
    ]


def _row_to_event(row: Any) -> Event:
    return Event(row.id, EventType(row.type), row.conversation_id, row.user_id, row.payload, row.created_at)


async def events_since(
    conn: AsyncConnection, membership: Membership, user_id: int, after_id: int, limit: int = 500
) -> list[Event]:
    """The events after ``after_id`` that ``user_id`` may see: their own, and those of conversations they are in now."""
    member_of = membership.conversations_of(user_id)
    query = (
        select(events)
        .where(
            events.c.id > after_id,
            or_(
                events.c.user_id == user_id,
                and_(events.c.user_id.is_(None), events.c.conversation_id.in_(member_of)),
            ),
        )
        .order_by(events.c.id)
        .limit(limit)
    )
    return [_row_to_event(row) for row in (await conn.execute(query)).all()]


async def events_after(conn: AsyncConnection, after_id: int, limit: int) -> list[Event]:
    """Every event after ``after_id``, whoever it is for: what a process re-reads after missing the bus."""
    query = select(events).where(events.c.id > after_id).order_by(events.c.id).limit(limit)
    return [_row_to_event(row) for row in (await conn.execute(query)).all()]


async def oldest_event_id(conn: AsyncConnection) -> int | None:
    oldest: int | None = (await conn.execute(select(func.min(events.c.id)))).scalar_one_or_none()
    return oldest


async def latest_event_id(conn: AsyncConnection) -> int:
    latest: int = (await conn.execute(select(func.coalesce(func.max(events.c.id), 0)))).scalar_one()
    return latest


@dataclass(frozen=True, slots=True)
class Resync:
    """What a reconnecting client missed, or ``reload``: the log no longer reaches back to its last id."""

    events: list[Event]
    latest_id: int
    more: bool
    reload: bool


async def resync(
    conn: AsyncConnection,
    membership: Membership,
    user_id: int,
    after_id: int,
    limit: int,
    max_chars: int = 512 * 1024,
) -> Resync:
    """Everything after ``after_id`` for ``user_id`` in order, a page at a time, or a request to reload.

    A page holds at most ``limit`` events and stops before ``max_chars`` of payload (some clients refuse
    WebSocket messages over 1 MiB); ``more`` says to ask again from the page's last id.

    Pruning always keeps the newest event, so the oldest id left tells how far back the log reaches; an id
    ahead of the log (a database restored from a backup) also calls for a reload.
    """
    latest = await latest_event_id(conn)
    oldest = await oldest_event_id(conn)
    if after_id > latest or (oldest is not None and after_id < oldest - 1):
        return Resync([], latest, more=False, reload=True)
    found = await events_since(conn, membership, user_id, after_id, limit + 1)
    page: list[Event] = []
    size = 0
    for event in found[:limit]:
        size += len(json.dumps(event.payload))
        if page and size > max_chars:
            break
        page.append(event)
    return Resync(page, latest, more=len(page) < len(found), reload=False)
