"""Who may receive an event: the same rule as ``log.events_since``, evaluated for a batch at delivery time.

An event with ``user_id`` goes to that user alone; one with only ``conversation_id`` goes to the conversation's
active members as they are when the batch is delivered, so a participant removed a moment ago gets nothing more,
also on a socket that was already open.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.realtime.events import Event
from schoolchat.realtime.membership import Membership


async def recipients(
    conn: AsyncConnection, membership: Membership, events: Sequence[Event]
) -> dict[int, frozenset[int]]:
    """Event id -> the user ids allowed to see it."""
    conversation_ids = sorted({e.conversation_id for e in events if e.user_id is None and e.conversation_id})
    members = await membership.members_of(conn, conversation_ids)
    audience: dict[int, frozenset[int]] = {}
    for event in events:
        if event.user_id is not None:
            audience[event.id] = frozenset((event.user_id,))
        elif event.conversation_id is not None:
            audience[event.id] = frozenset(members.get(event.conversation_id, ()))
        else:
            audience[event.id] = frozenset()
    return audience
