"""Building blocks of conversation writes: each takes the caller's ``Tx`` and never commits.

Actions in this and other domains compose them (sending a first message opens a conversation in the same
transaction); ``conversations.actions`` holds the public actions, which open their own transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update

from schoolchat.auth.actor import Actor
from schoolchat.conversations import queries
from schoolchat.conversations.models import conversations, individual_recipients, memberships
from schoolchat.conversations.schemas import ConversationRef
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.db.upsert import insert_unless_exists, upsert
from schoolchat.errors import ApiError
from schoolchat.kinds import ConversationKind
from schoolchat.people.models import space_members
from schoolchat.people.queries import user_summaries
from schoolchat.people.schemas import PersonRef
from schoolchat.policy import texts
from schoolchat.policy.messaging import Feedback, send_feedback
from schoolchat.policy.recipients import Plan
from schoolchat.realtime import log
from schoolchat.realtime.events import EventType
from schoolchat.realtime.schemas import (
    ConversationChanges,
    ConversationCreated,
    ConversationStatusChanged,
    ConversationUpdated,
    ParticipantsAdded,
    ParticipantsRemoved,
)
from schoolchat.validation import display_name


@dataclass
class Opened:
    """The conversation a send goes into, the 1:1s behind a "Sent to X people" one, and §6.4 feedback."""

    conversation_id: int
    created: bool
    direct_targets: list[tuple[int, int]] = field(default_factory=list)  # (recipient id, 1:1 conversation id)
    feedback: list[Feedback] = field(default_factory=list)


def direct_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def conversation_created(
    row_id: int, kind: ConversationKind, name: str | None, space_id: int | None, member_ids: list[int]
) -> ConversationCreated:
    return ConversationCreated(
        conversation=ConversationRef(id=row_id, kind=kind, name=name, space_id=space_id),
        member_ids=member_ids,
    )


async def create_conversation(
    tx: Tx,
    *,
    kind: ConversationKind,
    name: str | None,
    created_by: int | None,
    now: datetime,
    member_ids: Iterable[int],
    space_id: int | None = None,
    key: str | None = None,
) -> int | None:
    """Insert a conversation with its first members; None when a 1:1 for ``key`` already exists."""
    values = {
        "kind": kind,
        "name": name,
        "space_id": space_id,
        "direct_key": key,
        "created_by": created_by,
        "created_at": now,
        "last_activity_at": now,
        "status": "open",
        "last_seq": 0,
    }
    if key is not None:
        conversation_id = await insert_unless_exists(tx.conn, conversations, values, ["direct_key"])
        if conversation_id is None:
            return None
    else:
        conversation_id = (
            await tx.conn.execute(insert(conversations).values(**values).returning(conversations.c.id))
        ).scalar_one()
    members = sorted(set(member_ids))
    if members:
        await tx.conn.execute(
            insert(memberships),
            [
                {
                    "conversation_id": conversation_id,
                    "user_id": user_id,
                    "formal": True,
                    "active": True,
                    "joined_at": now,
                    "last_read_seq": 0,
                }
                for user_id in members
            ],
        )
    await log.append(
        tx,
        EventType.CONVERSATION_CREATED,
        conversation_created(conversation_id, kind, name, space_id, members),
        conversation_id=conversation_id,
    )
    return conversation_id


async def get_or_create_direct(tx: Tx, a: int, b: int, now: datetime) -> tuple[int, bool]:
    key = direct_key(a, b)
    existing = await queries.direct_conversation(tx.conn, key)
    if existing is not None:
        await add_members(tx, existing.id, [a, b], by=None, now=now, announce=False)
        return existing.id, False
    created = await create_conversation(
        tx, kind=ConversationKind.DIRECT, name=None, created_by=a, now=now, member_ids=[a, b], key=key
    )
    if created is None:  # another request created it a moment ago
        row = await queries.direct_conversation(tx.conn, key)
        assert row is not None
        return row.id, False
    return created, True


async def get_or_create_space_conversation(
    tx: Tx, space_id: int, kind: ConversationKind, name: str, created_by: int | None, now: datetime
) -> tuple[int, bool]:
    existing = await queries.live_space_conversation(tx.conn, space_id)
    if existing is not None:
        return existing.id, False
    participants = (
        (await tx.conn.execute(select(space_members.c.user_id).where(space_members.c.space_id == space_id)))
        .scalars()
        .all()
    )
    created = await create_conversation(
        tx, kind=kind, name=name, created_by=created_by, now=now, member_ids=participants, space_id=space_id
    )
    assert created is not None
    return created, True


async def open_for_plan(tx: Tx, actor: Actor, plan: Plan, name: str | None, now: datetime) -> Opened:
    """Find or create the conversation(s) a planned send goes into, applying §6.4 to disabled recipients."""
    summaries = await user_summaries(tx.conn, plan.user_ids)
    disabled = [summaries[user_id] for user_id in plan.user_ids if summaries[user_id].messaging_disabled]
    reachable = [user_id for user_id in plan.user_ids if not summaries[user_id].messaging_disabled]
    if plan.kind == "direct":
        if disabled:
            raise ApiError(
                403,
                "recipient_messaging_disabled",
                texts.cannot_deliver(disabled[0].name),
                {"user_id": disabled[0].id},
            )
        conversation_id, created = await get_or_create_direct(tx, actor.id, plan.user_ids[0], now)
        return Opened(conversation_id, created)
    if plan.kind == "space":
        assert plan.space is not None
        conversation_id, created = await get_or_create_space_conversation(
            tx, plan.space.id, ConversationKind(plan.space.kind), plan.space.name, actor.id, now
        )
        return Opened(conversation_id, created)
    if not reachable:
        raise ApiError(
            403,
            "recipient_messaging_disabled",
            texts.cannot_deliver(", ".join(person.name for person in disabled)),
            {"user_ids": [person.id for person in disabled]},
        )
    if plan.kind == "group":
        group_name = display_name(name, "conversation name", 200) if name else None
        group_id = await create_conversation(
            tx,
            kind=ConversationKind.GROUP,
            name=group_name,
            created_by=actor.id,
            now=now,
            member_ids=[actor.id, *reachable],
        )
        assert group_id is not None
        return Opened(
            group_id, True, feedback=send_feedback(ConversationKind.GROUP, [(p.id, p.name) for p in disabled])
        )
    batch_id = await create_conversation(
        tx,
        kind=ConversationKind.INDIVIDUAL,
        name=None,  # "Sent to X people", written in the reader's language when read
        created_by=actor.id,
        now=now,
        member_ids=[actor.id],
    )
    assert batch_id is not None
    targets = [
        (user_id, (await get_or_create_direct(tx, actor.id, user_id, now))[0]) for user_id in reachable
    ]
    await tx.conn.execute(
        insert(individual_recipients),
        [
            {"conversation_id": batch_id, "user_id": user_id, "direct_conversation_id": direct_id}
            for user_id, direct_id in targets
        ],
    )
    return Opened(
        batch_id,
        True,
        targets,
        send_feedback(ConversationKind.INDIVIDUAL, [(p.id, p.name) for p in disabled]),
    )


async def add_members(
    tx: Tx,
    conversation_id: int,
    user_ids: Iterable[int],
    *,
    by: int | None,
    now: datetime,
    announce: bool = True,
    formal: bool = True,
) -> list[int]:
    """Make these users active members (again); returns those who were not active before.

    New members start with everything before their arrival marked as read. ``formal=False`` is a teacher
    present through a report: in the conversation with moderation rights, not a participant.
    """
    wanted = sorted(set(user_ids))
    active = set(
        (
            await tx.conn.execute(
                select(memberships.c.user_id).where(
                    memberships.c.conversation_id == conversation_id,
                    memberships.c.user_id.in_(wanted),
                    memberships.c.active.is_(True),
                )
            )
        ).scalars()
    )
    joining = [user_id for user_id in wanted if user_id not in active]
    if not joining:
        return []
    last_seq = (
        await tx.conn.execute(select(conversations.c.last_seq).where(conversations.c.id == conversation_id))
    ).scalar_one()
    await upsert(
        tx.conn,
        memberships,
        [
            {
                "conversation_id": conversation_id,
                "user_id": user_id,
                "formal": formal,
                "active": True,
                "joined_at": now,
                "left_at": None,
                "removed_by": None,
                "last_read_seq": last_seq,
            }
            for user_id in joining
        ],
        key=["conversation_id", "user_id"],
        update=["formal", "active", "joined_at", "left_at", "removed_by", "last_read_seq"],
    )
    if announce:
        await log.append(
            tx,
            EventType.PARTICIPANTS_ADDED,
            ParticipantsAdded(conversation_id=conversation_id, user_ids=joining, by=by, formal=formal),
            conversation_id=conversation_id,
        )
    return joining


async def remove_members(
    tx: Tx, conversation_id: int, user_ids: Iterable[int], *, by: int | None, reason: str, now: datetime
) -> list[int]:
    """Deactivate memberships; the leavers are told on their own channel, the rest on the conversation's."""
    wanted = sorted(set(user_ids))
    leaving = list(
        (
            await tx.conn.execute(
                update(memberships)
                .where(
                    memberships.c.conversation_id == conversation_id,
                    memberships.c.user_id.in_(wanted),
                    memberships.c.active.is_(True),
                )
                .values(active=False, left_at=now, removed_by=by)
                .returning(memberships.c.user_id)
            )
        ).scalars()
    )
    if not leaving:
        return []
    payload = ParticipantsRemoved(
        conversation_id=conversation_id, user_ids=sorted(leaving), by=by, reason=reason
    )
    await log.append(tx, EventType.PARTICIPANTS_REMOVED, payload, conversation_id=conversation_id)
    for user_id in sorted(leaving):
        await log.append(
            tx, EventType.PARTICIPANTS_REMOVED, payload, conversation_id=conversation_id, user_id=user_id
        )
    return sorted(leaving)


_STATUS_EVENTS = {
    "closed": EventType.CONVERSATION_CLOSED,
    "open": EventType.CONVERSATION_REOPENED,
    "deleted": EventType.CONVERSATION_DELETED,
}


async def set_status(tx: Tx, actor: Actor, conversation_id: int, status: str) -> None:
    """Close, reopen, delete or restore: everyone in the conversation is told who did it."""
    await tx.conn.execute(
        update(conversations)
        .where(conversations.c.id == conversation_id)
        .values(status=status, status_changed_by=actor.id, status_changed_at=utcnow())
    )
    await log.append(
        tx,
        _STATUS_EVENTS[status],
        ConversationStatusChanged(
            conversation_id=conversation_id, by=PersonRef(id=actor.id, name=actor.name)
        ),
        conversation_id=conversation_id,
    )


async def set_name(tx: Tx, conversation_id: int, name: str, *, by: int | None) -> None:
    await tx.conn.execute(
        update(conversations).where(conversations.c.id == conversation_id).values(name=name)
    )
    await log.append(
        tx,
        EventType.CONVERSATION_UPDATED,
        ConversationUpdated(conversation_id=conversation_id, changes=ConversationChanges(name=name), by=by),
        conversation_id=conversation_id,
    )


# ---- public actions ------------------------------------------------------------------------------------------
