"""Read receipts from the read cursors: who of a message's recipients has read it, with no row per recipient.

A recipient of a message is an active, formal member of its conversation other than the sender who was in the
conversation when it was sent (people who join a course later start with its history marked read, but it was
not sent to them). A mass message is delivered after it is written, so there everyone it reached counts. A
recipient has read it when their cursor is at or past its ``seq``; "mark as unread" moves the cursor back, and
the message counts as unread again.

Counting walks the conversation's memberships once per message: one grouped query for a page of messages, capped
at ``MAX_COUNTED`` messages, so a history page costs at most that many membership scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations.models import memberships
from schoolchat.errors import not_found
from schoolchat.kinds import SpaceRole
from schoolchat.messages import queries as message_queries
from schoolchat.messages.models import messages
from schoolchat.messages.schemas import MessageOut
from schoolchat.people.models import space_members, users
from schoolchat.policy import texts
from schoolchat.policy.decision import Allowed, Decision, require
from schoolchat.policy.reads import may_see_reads

MAX_COUNTED = 50


@dataclass(frozen=True, slots=True)
class ReadCount:
    read: int
    total: int

    def to_wire(self) -> dict[str, Any]:
        return {"read": self.read, "total": self.total, "text": texts.read_by(self.read, self.total)}


def _recipients(kind: str) -> ColumnElement[bool]:
    """Memberships that received ``messages``' row (the joined message)."""
    received = (
        (memberships.c.conversation_id == messages.c.conversation_id)
        & (memberships.c.user_id != messages.c.sender_id)
        & memberships.c.active.is_(True)
        & memberships.c.formal.is_(True)
    )
    return received if kind == "mass" else received & (memberships.c.joined_at <= messages.c.created_at)


async def counts(conn: AsyncConnection, kind: str, message_ids: list[int]) -> dict[int, ReadCount]:
    """Read counts of up to ``MAX_COUNTED`` messages of one conversation of ``kind``, in one query."""
    wanted = message_ids[:MAX_COUNTED]
    if not wanted:
        return {}
    read = func.sum(case((memberships.c.last_read_seq >= messages.c.seq, 1), else_=0))
    rows = await conn.execute(
        select(messages.c.id, read, func.count())
        .select_from(messages.join(memberships, _recipients(kind)))
        .where(messages.c.id.in_(wanted))
        .group_by(messages.c.id)
    )
    found = {message_id: ReadCount(int(done or 0), total) for message_id, done, total in rows}
    return {message_id: found.get(message_id, ReadCount(0, 0)) for message_id in wanted}


async def people(
    conn: AsyncConnection, kind: str, message_id: int, *, have_read: bool, after: int | None, limit: int
) -> list[Any]:
    """Recipients who have (or have not) read the message, by name then id, keyset-paginated after a user id."""
    cursor_at = memberships.c.last_read_seq >= messages.c.seq
    query = (
        select(users.c.id, users.c.name)
        .select_from(
            messages.join(memberships, _recipients(kind)).join(users, users.c.id == memberships.c.user_id)
        )
        .where(messages.c.id == message_id, cursor_at if have_read else ~cursor_at)
    )
    if after is not None:
        after_name = select(users.c.name).where(users.c.id == after).scalar_subquery()
        query = query.where(tuple_(users.c.name, users.c.id) > tuple_(after_name, after))
    return list((await conn.execute(query.order_by(users.c.name, users.c.id).limit(limit))).all())


async def space_role(conn: AsyncConnection, user_id: int, space_id: int | None) -> SpaceRole | None:
    if space_id is None:
        return None
    role = (
        await conn.execute(
            select(space_members.c.role).where(
                space_members.c.space_id == space_id, space_members.c.user_id == user_id
            )
        )
    ).scalar_one_or_none()
    return None if role is None else SpaceRole(role)


async def may_see_own(conn: AsyncConnection, viewer_id: int, conversation: Any) -> Decision:
    """Whether the viewer sees read counts on their own messages in this conversation."""
    return may_see_reads(
        kind=conversation.kind,
        is_sender=True,
        space_role=await space_role(conn, viewer_id, conversation.space_id),
    )


async def watched_between(
    conn: AsyncConnection, conversation: Any, reader_id: int, low: int, high: int
) -> dict[int, list[int]]:
    """The messages with ``low < seq <= high`` whose senders see their read counts, by sender, newest first:
    a read cursor that moved across them changed those counts."""
    rows = await conn.execute(
        select(messages.c.sender_id, messages.c.id, space_members.c.role)
        .outerjoin(
            space_members,
            (space_members.c.space_id == conversation.space_id)
            & (space_members.c.user_id == messages.c.sender_id),
        )
        .where(
            messages.c.conversation_id == conversation.id,
            messages.c.seq > low,
            messages.c.seq <= high,
            messages.c.sender_id != reader_id,
            messages.c.deleted_at.is_(None),
        )
        .order_by(messages.c.seq.desc())
    )
    watched: dict[int, list[int]] = {}
    for sender_id, message_id, role in rows:
        if isinstance(may_see_reads(kind=conversation.kind, is_sender=True, space_role=role), Allowed):
            watched.setdefault(sender_id, []).append(message_id)
    return watched


async def on_page(
    conn: AsyncConnection, viewer_id: int, access: conversation_queries.Access, page: list[MessageOut]
) -> dict[int, ReadCount]:
    """The counts of the viewer's own messages on a history page (as clients see it); none where they may not
    see them."""
    own = [item.id for item in page if item.sender.id == viewer_id and item.deleted is None]
    if not own:
        return {}
    if not isinstance(await may_see_own(conn, viewer_id, access.conversation), Allowed):
        return {}
    return await counts(conn, access.conversation.kind, own)


async def of_message(
    conn: AsyncConnection,
    viewer_id: int,
    conversation_id: int,
    message_id: int,
    *,
    have_read: bool,
    after: int | None,
    limit: int,
) -> tuple[ReadCount, list[Any]]:
    """One message's count and a page of its readers (or not-yet-readers), for its sender where allowed: 404 for
    a message the viewer cannot see, 403 ``reads_not_available`` for one whose read state is not theirs to see."""
    access = await conversation_queries.get_access(conn, viewer_id, conversation_id)
    row = await message_queries.get_visible(conn, viewer_id, message_id)
    if row.conversation_id != conversation_id:
        raise not_found("message")
    require(
        may_see_reads(
            kind=access.kind,
            is_sender=row.sender_id == viewer_id,
            space_role=await space_role(conn, viewer_id, access.conversation.space_id),
        )
    )
    count = (await counts(conn, access.kind, [message_id]))[message_id]
    found = (
        await people(conn, access.kind, message_id, have_read=have_read, after=after, limit=limit)
        if limit
        else []
    )
    return count, found
