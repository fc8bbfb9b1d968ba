"""Searching messages (§5.3): across the caller's conversations or within one, newest first, with snippets.

Only what the caller may see is searched: the conversations they are an active member of (a former member's
access ends with their membership), of kinds search covers (``policy.search``). The index answers with message
ids; the messages are then read through the same tables history uses, so a message deleted after it was found
is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import fulltext
from schoolchat.messages import queries as message_queries
from schoolchat.policy.search import UNSEARCHABLE_KINDS, searchable_kind
from schoolchat.search.text import query_terms, snippet


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[dict[str, Any]]
    next_before_id: int | None  # pass back as ``before_id`` for older hits


async def _searchable_conversations(conn: AsyncConnection, user_id: int) -> list[int]:
    rows = await conn.execute(
        select(memberships.c.conversation_id)
        .join(conversations, conversations.c.id == memberships.c.conversation_id)
        .where(
            memberships.c.user_id == user_id,
            memberships.c.active.is_(True),
            conversations.c.kind.not_in(UNSEARCHABLE_KINDS),
        )
    )
    return list(rows.scalars())


async def search(
    conn: AsyncConnection,
    user_id: int,
    query: str,
    *,
    conversation_id: int | None = None,
    before_id: int | None = None,
    limit: int = 20,
) -> SearchPage:
    """Messages holding every word of ``query`` (the last may be the start of a word), in the caller's
    conversations or in one of them (404 when it is not theirs)."""
    scope: list[int]
    if conversation_id is not None:
        access = await conversation_queries.get_access(conn, user_id, conversation_id)
        scope = [conversation_id] if searchable_kind(access.kind) else []
    terms = query_terms(query)
    if not terms:
        return SearchPage([], None)
    if conversation_id is None:
        scope = await _searchable_conversations(conn, user_id)
    ids = await fulltext.match(conn, terms, scope, before_id=before_id, limit=limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    rows = await message_queries.live_by_ids(conn, ids)
    wires = {wire.id: wire for wire in await message_queries.to_wire_many(conn, rows)}
    names = await _conversation_names(conn, user_id, {wire.conversation_id for wire in wires.values()})
    hits = []
    for message_id in ids:
        wire = wires.get(message_id)
        if wire is None:
            continue
        shown = snippet(wire.body or "", terms)
        hits.append(
            {
                "message": wire,
                "conversation": names[wire.conversation_id],
                "snippet": shown
                if shown is not None
                else snippet(", ".join(f.name for f in wire.attachments), terms),
            }
        )
    return SearchPage(hits, ids[-1] if more else None)


async def _conversation_names(
    conn: AsyncConnection, user_id: int, ids: set[int]
) -> dict[int, dict[str, Any]]:
    """How the caller sees each conversation a hit is in (``ConversationRef``): its name as in their list."""
    if not ids:
        return {}
    rows = (
        await conn.execute(
            select(conversations, memberships.c.last_read_seq, memberships.c.formal, memberships.c.muted)
            .join(memberships, memberships.c.conversation_id == conversations.c.id)
            .where(memberships.c.user_id == user_id, conversations.c.id.in_(sorted(ids)))
        )
    ).all()
    names = await conversation_queries.display_names(conn, rows, user_id)
    return {
        row.id: {"id": row.id, "kind": row.kind, "name": names[row.id], "space_id": row.space_id}
        for row in rows
    }
