"""Who is in a conversation now, as the event log and delivery ask it.

Membership belongs to ``conversations``, which sits above realtime infrastructure; the log and the audience
ask through this interface and the wiring (``app.py``) hands them the conversations' answer
(``conversations.membership.ACTIVE_MEMBERS``), so realtime imports no domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection


class Membership(Protocol):
    def conversations_of(self, user_id: int) -> Select[tuple[int]]:
        """The ids of the conversations ``user_id`` is an active member of, as a sub-query (the log filters
        on it in the same statement)."""
        ...

    async def members_of(self, conn: AsyncConnection, conversation_ids: Sequence[int]) -> dict[int, set[int]]:
        """Conversation id -> the user ids of its active members, for those of ``conversation_ids`` that have any."""
        ...
