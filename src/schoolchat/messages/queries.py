"""Reads of messages: history pages and single messages, only within conversations the caller is in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.attachments import queries as attachment_queries
from schoolchat.attachments.models import attachments, message_attachments
from schoolchat.conversations.models import memberships
from schoolchat.conversations.queries import Access, access_from, access_statement
from schoolchat.db.prepared import Prepared, together
from schoolchat.errors import not_found
from schoolchat.messages.models import messages
from schoolchat.messages.schemas import MessageOut
from schoolchat.people.models import users
from schoolchat.policy import texts

_deleter = users.alias("deleter")
_COLUMNS = (
    messages,
    users.c.name.label("sender_name"),
    users.c.avatar_url.label("sender_avatar_url"),
    _deleter.c.name.label("deleted_by_name"),
)


def _joined() -> Any:
    return (
        select(*_COLUMNS)
        .join(users, users.c.id == messages.c.sender_id)
        .outerjoin(_deleter, _deleter.c.id == messages.c.deleted_by)
    )


@dataclass(frozen=True, slots=True)
class Written:
    """A message its send has just written, holding what ``to_wire`` reads from a row of ``_COLUMNS``: the send
    knows every value already, and reading the row back would cost a statement on the hottest path."""

    id: int
    conversation_id: int
    seq: int
    sender_id: int
    sender_name: str
    sender_avatar_url: str | None
    client_message_id: str | None
    body: str
    body_html: str
    created_at: datetime
    forwarded_from_id: int | None
    forwarded_from_name: str | None
    edited_at: None = None
    deleted_at: None = None
    deleted_by: None = None
    deleted_by_name: None = None


def _fields(row: Any, attachments: list[dict[str, Any]] | None) -> dict[str, Any]:
    """What ``MessageOut`` is validated from (the one place its content is decided); a deleted message keeps its
    place but not its content (nor its files)."""
    deleted = row.deleted_at is not None
    return {
        "id": row.id,
        "conversation_id": row.conversation_id,
        "seq": row.seq,
        "sender": {"id": row.sender_id, "name": row.sender_name, "avatar_url": row.sender_avatar_url},
        "client_message_id": row.client_message_id,
        "body": None if deleted else row.body,
        "html": None if deleted else row.body_html,
        "created_at": row.created_at,
        "edited_at": row.edited_at,
        # ``by_name`` lets each reader's notice be written in their language (the event log keeps no notice).
        "deleted": {
            "at": row.deleted_at,
            "by": row.deleted_by,
            "by_name": row.deleted_by_name if row.deleted_by != row.sender_id else None,
            "notice": texts.deletion_notice(row.sender_id, row.deleted_by, row.deleted_by_name),
        }
        if deleted
        else None,
        "forwarded_from": {"message_id": row.forwarded_from_id, "sender_name": row.forwarded_from_name}
        if row.forwarded_from_name
        else None,
        "attachments": [] if deleted else attachments or [],
    }


def to_wire(row: Any, attachments: list[dict[str, Any]] | None = None) -> MessageOut:
    """A message as clients see it (``schemas.MessageOut``), from its row or from what its send wrote."""
    return MessageOut.model_validate(_fields(row, attachments))


# A page validated in one call: ~40 % less CPU than a ``MessageOut(...)`` (and its parts) per message.
_MESSAGES = TypeAdapter(list[MessageOut])


def to_wire_all(rows: list[Any], attachments: dict[int, list[dict[str, Any]]]) -> list[MessageOut]:
    """Messages as clients see them, each with its entry of ``attachments`` (by message id)."""
    return _MESSAGES.validate_python([_fields(row, attachments.get(row.id)) for row in rows])


async def to_wire_many(conn: AsyncConnection, rows: list[Any]) -> list[MessageOut]:
    """Messages as clients see them, with their attachments."""
    return to_wire_all(
        rows, await attachment_queries.for_messages(conn, [row.id for row in rows if row.deleted_at is None])
    )


_NO_BOUND = 2**31 - 1  # above every seq: the first page
_PAGE_WHERE = (
    messages.c.conversation_id == bindparam("conversation_id"),
    messages.c.seq < bindparam("before_seq"),
)
_PAGE = Prepared(_joined().where(*_PAGE_WHERE).order_by(messages.c.seq.desc()).limit(bindparam("limit")))
_PAGE_FILES = Prepared(
    select(message_attachments.c.message_id, attachments)
    .join(attachments, attachments.c.id == message_attachments.c.attachment_id)
    .where(
        message_attachments.c.message_id.in_(
            select(messages.c.id)
            .where(*_PAGE_WHERE)
            .order_by(messages.c.seq.desc())
            .limit(bindparam("limit"))
        )
    )
    .order_by(message_attachments.c.message_id, message_attachments.c.position)
)


def _page(conversation_id: int, before_seq: int | None, limit: int) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "before_seq": _NO_BOUND if before_seq is None else before_seq,
        "limit": limit,
    }


async def history(
    conn: AsyncConnection, conversation_id: int, before_seq: int | None, limit: int
) -> list[Any]:
    """Newest first, keyset-paginated on ``seq``; for callers that have checked access themselves."""
    return await _PAGE.all(conn, **_page(conversation_id, before_seq, limit))


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """A page of history and the caller's access to its conversation, read with it: what the route decides
    next (auditing a reader who is not a formal participant, read counts) needs no statement of its own."""

    access: Access
    messages: list[MessageOut]


async def history_page(
    conn: AsyncConnection, user_id: int, conversation_id: int, before_seq: int | None, limit: int
) -> HistoryRead:
    """A page of the conversation's messages as the caller sees them, newest first, keyset-paginated on ``seq``;
    404 unless the caller is in the conversation. The access check, the page and its files are one round trip
    (rows read for a caller without access are dropped unseen)."""
    page = _page(conversation_id, before_seq, limit)
    access_rows, rows, files = await together(
        conn, access_statement(user_id, conversation_id), (_PAGE, page), (_PAGE_FILES, page)
    )
    access = access_from(access_rows)
    by_message: dict[int, list[dict[str, Any]]] = {}
    for row in files:
        by_message.setdefault(row.message_id, []).append(attachment_queries.to_wire(row))
    return HistoryRead(access, to_wire_all(rows, by_message))


async def get_visible(conn: AsyncConnection, user_id: int, message_id: int) -> Any:
    """One message, if the caller is an active member of its conversation; else 404."""
    row = (
        await conn.execute(
            _joined()
            .join(memberships, memberships.c.conversation_id == messages.c.conversation_id)
            .where(
                messages.c.id == message_id, memberships.c.user_id == user_id, memberships.c.active.is_(True)
            )
        )
    ).first()
    if row is None:
        raise not_found("message")
    return row


async def by_ids(conn: AsyncConnection, message_ids: list[int]) -> list[Any]:
    """Messages regardless of who asks, in id order: only for actions that have already checked access."""
    return list(
        (await conn.execute(_joined().where(messages.c.id.in_(message_ids)).order_by(messages.c.id))).all()
    )


async def live_by_ids(conn: AsyncConnection, message_ids: list[int]) -> list[Any]:
    """Messages not deleted, by id; for callers that have already limited the ids to what the caller may see."""
    if not message_ids:
        return []
    return list(
        (
            await conn.execute(
                _joined().where(messages.c.id.in_(message_ids), messages.c.deleted_at.is_(None))
            )
        ).all()
    )


# A sender's message by the client_message_id they gave it (a retried send's original).
BY_CLIENT_ID = Prepared(
    _joined().where(
        messages.c.sender_id == bindparam("sender_id"),
        messages.c.client_message_id == bindparam("client_message_id"),
    )
)


async def by_client_id(conn: AsyncConnection, sender_id: int, client_message_id: str) -> Any | None:
    return await BY_CLIENT_ID.first(conn, sender_id=sender_id, client_message_id=client_message_id)


async def latest_seq_from_others(conn: AsyncConnection, conversation_id: int, user_id: int) -> int | None:
    return (
        await conn.execute(
            select(messages.c.seq)
            .where(messages.c.conversation_id == conversation_id, messages.c.sender_id != user_id)
            .order_by(messages.c.seq.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
