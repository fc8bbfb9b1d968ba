"""Who may receive an event: the same rule as ``log.events_since``, evaluated for a batch at delivery time.

An event with ``user_id`` goes to that user alone; one with only ``conversation_id`` goes to the conversation's
active members as they are when the batch is delivered, so a participant removed a moment ago gets nothing more,
also on a socket that was already open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations.models import memberships
from schoolchat.realtime.events import Event


async def recipients(conn: AsyncConnection, events: Sequence[Event]) -> dict[int, frozenset[int]]:
    """Event id -> the user ids allowed to see it."""
    conversation_ids = sorted({e.conversation_id for e in events if e.user_id is None and e.conversation_id})
    members: dict[int, set[int]] = defaultdict(set)
    if conversation_ids:
        rows = await conn.execute(
            select(memberships.c.conversation_id, memberships.c.user_id).where(
                memberships.c.conversation_id.in_(conversation_ids), memberships.c.active.is_(True)
            )
        )
        for conversation_id, user_id in rows:
            members[conversation_id].add(user_id)
    audience: dict[int, frozenset[int]] = {}
    for event in events:
        if event.user_id is not None:
            audience[event.id] = frozenset((event.user_id,))
        elif event.conversation_id is not None:
            audience[event.id] = frozenset(members.get(event.conversation_id, ()))
        else:
            audience[event.id] = frozenset()
    return audience
