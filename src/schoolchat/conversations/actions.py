"""Public conversation actions: each takes ``services``, opens its own transaction and appends its events.

The building blocks they compose, which take a ``Tx``, are in ``conversations.writes``.
"""

from sqlalchemy import update

from schoolchat import audit, error_texts
from schoolchat.auth.actor import Actor
from schoolchat.conversations import queries, writes
from schoolchat.conversations.models import memberships
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError
from schoolchat.kinds import ConversationKind
from schoolchat.people import selection
from schoolchat.people.queries import user_summaries, visible_people
from schoolchat.people.selection import Recipients
from schoolchat.policy import texts
from schoolchat.policy.conversations import may_add_participants, may_close, may_leave, may_rename
from schoolchat.policy.decision import Denied, require
from schoolchat.policy.messaging import Feedback, send_feedback
from schoolchat.policy.recipients import Mode, plan_send
from schoolchat.realtime import log
from schoolchat.realtime.events import EventType
from schoolchat.realtime.schemas import (
    ConversationChanges,
    ConversationUpdated,
)
from schoolchat.services import Services
from schoolchat.validation import display_name


async def add_participants(
    services: Services, actor: Actor, conversation_id: int, user_ids: list[int]
) -> tuple[list[int], list[Feedback]]:
    """§5.3: any member adds people to a group; they join at once. Disabled users are refused with §6.4 feedback."""
    async with services.db.write() as tx:
        access = await queries.get_access(tx.conn, actor.id, conversation_id)
        require(may_add_participants(access.kind, access.conversation.status))
        visible = await visible_people(tx.conn, actor.id, user_ids)
        unknown = sorted(set(user_ids) - visible)
        if unknown:
            raise ApiError(
                404, "not_found", error_texts.not_found("user"), {"object": "user", "user_ids": unknown}
            )
        await selection.require_rules_allow(tx.conn, actor.id, user_ids)
        summaries = await user_summaries(tx.conn, user_ids)
        disabled = [p for p in summaries.values() if p.messaging_disabled]
        joined = await writes.add_members(
            tx,
            conversation_id,
            [p.id for p in summaries.values() if not p.messaging_disabled],
            by=actor.id,
            now=utcnow(),
        )
    return joined, send_feedback(ConversationKind.GROUP, [(p.id, p.name) for p in disabled])


async def leave(services: Services, actor: Actor, conversation_id: int) -> None:
    async with services.db.write() as tx:
        access = await queries.get_access(tx.conn, actor.id, conversation_id)
        require(may_leave(access.kind))
        await writes.remove_members(tx, conversation_id, [actor.id], by=actor.id, reason="left", now=utcnow())


async def rename(services: Services, actor: Actor, conversation_id: int, name: str) -> str:
    name = display_name(name, "conversation name", 200)
    async with services.db.write() as tx:
        access = await queries.get_access(tx.conn, actor.id, conversation_id)
        require(may_rename(access.kind))
        await writes.set_name(tx, conversation_id, name, by=actor.id)
    return name


async def set_closed(services: Services, actor: Actor, conversation_id: int, closed: bool) -> None:
    """§5.7: close (no new messages, history stays) or reopen from settings."""
    async with services.db.write() as tx:
        access = await queries.get_access(tx.conn, actor.id, conversation_id)
        conversation = access.conversation
        require(
            may_close(
                access.kind,
                is_staff_here=await queries.is_staff_in(tx.conn, actor, conversation.space_id),
                is_creator=conversation.created_by == actor.id,
            )
        )
        if conversation.status == "deleted":
            raise ApiError(409, "conversation_deleted", texts.conversation_deleted())
        wanted = "closed" if closed else "open"
        if conversation.status == wanted:
            return
        await writes.set_status(tx, actor, conversation_id, wanted)
        await audit.record(
            tx,
            actor,
            f"conversation.{'closed' if closed else 'reopened'}",
            "conversation",
            conversation_id,
            org_ids=[],
        )


async def set_muted(services: Services, actor: Actor, conversation_id: int, muted: bool) -> None:
    """Mute (or unmute) a conversation for oneself: no badge, no notifications; only the caller is told."""
    async with services.db.write() as tx:
        access = await queries.get_access(tx.conn, actor.id, conversation_id)
        if bool(access.conversation.muted) == muted:
            return
        await tx.conn.execute(
            update(memberships)
            .where(memberships.c.conversation_id == conversation_id, memberships.c.user_id == actor.id)
            .values(muted=muted)
        )
        await log.append(
            tx,
            EventType.CONVERSATION_UPDATED,
            ConversationUpdated(
                conversation_id=conversation_id, changes=ConversationChanges(muted=muted), by=actor.id
            ),
            conversation_id=conversation_id,
            user_id=actor.id,
        )


async def start(
    services: Services, actor: Actor, recipients: Recipients, mode: Mode | None, name: str | None
) -> writes.Opened:
    """§5.1 without a first message: open the conversation §6.3 decides on (a 1:1 is reused)."""
    async with services.db.write() as tx:
        people, spaces = await selection.resolve(
            tx.conn, actor.id, recipients.people, recipients.courses, recipients.projects
        )
        plan = plan_send(actor.id, people, spaces, mode)
        if isinstance(plan, Denied):
            raise plan.error()
        return await writes.open_for_plan(tx, actor, plan, name, utcnow())
