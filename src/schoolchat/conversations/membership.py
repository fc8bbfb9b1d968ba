"""Active members of conversations, the answer realtime asks for (``realtime.membership.Membership``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations.models import memberships


class ActiveMembers:
    def conversations_of(self, user_id: int) -> Select[tuple[int]]:
        return select(memberships.c.conversation_id).where(
            memberships.c.user_id == user_id, memberships.c.active.is_(True)
        )

    async def members_of(self, conn: AsyncConnection, conversation_ids: Sequence[int]) -> dict[int, set[int]]:
        members: dict[int, set[int]] = defaultdict(set)
        if conversation_ids:
            rows = await conn.execute(
                select(memberships.c.conversation_id, memberships.c.user_id).where(
                    memberships.c.conversation_id.in_(conversation_ids), memberships.c.active.is_(True)
                )
            )
            for conversation_id, user_id in rows:
                members[conversation_id].add(user_id)
        return members


ACTIVE_MEMBERS = ActiveMembers()
