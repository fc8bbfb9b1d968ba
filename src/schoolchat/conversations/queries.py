"""Reads about conversations, always through the caller's membership: what is not yours is not found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, bindparam, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.auth.actor import Actor
from schoolchat.conversations.icons import icon_for
from schoolchat.conversations.models import conversations, individual_recipients, memberships
from schoolchat.conversations.schemas import (
    ConversationActions,
    ConversationOut,
    IndividualRecipientOut,
    Preview,
    RelationshipOut,
)
from schoolchat.db.expressions import among, next_id
from schoolchat.db.prepared import Prepared, together
from schoolchat.db.types import UTCDateTime, utcnow
from schoolchat.errors import not_found
from schoolchat.i18n.catalog import plural_text, text
from schoolchat.kinds import ConversationKind, SpaceRole
from schoolchat.messages.models import messages
from schoolchat.people.models import org_roles, space_members, spaces, users
from schoolchat.people.queries import (
    SPACE_ROLES,
    answering,
    joined_notices,
    notices_at,
    school_roles,
    space_roles_from,
    space_roles_of,
    zones_of,
)
from schoolchat.people.reach import ANY_ORG_DISABLED, SPACES_OFF, any_org_disabled, disabled_among, org_tree
from schoolchat.policy import texts
from schoolchat.policy.offers import MemberFacts, offers


@dataclass(frozen=True, slots=True)
class Access:
    """A conversation as one member sees it: its row and the caller's membership."""

    conversation: Any  # Row of ``conversations``
    formal: bool
    active: bool
    last_read_seq: int
    space_disabled: bool  # an admin switched messaging off for the conversation's course or project

    @property
    def id(self) -> int:
        conversation_id: int = self.conversation.id
        return conversation_id

    @property
    def kind(self) -> ConversationKind:
        return ConversationKind(self.conversation.kind)


_ACCESS = Prepared(
    select(
        conversations,
        memberships.c.formal,
        memberships.c.active,
        memberships.c.last_read_seq,
        memberships.c.muted,
        func.coalesce(spaces.c.messaging_disabled, false()).label("space_disabled"),
    )
    .join(memberships, memberships.c.conversation_id == conversations.c.id)
    .outerjoin(spaces, spaces.c.id == conversations.c.space_id)
    .where(conversations.c.id == bindparam("conversation_id"), memberships.c.user_id == bindparam("user_id"))
)


def access_statement(user_id: int, conversation_id: int) -> tuple[Prepared, dict[str, Any]]:
    """The statement behind ``get_access``, for a caller that runs it ``together`` with others; its rows go to
    ``access_from``."""
    return _ACCESS, {"conversation_id": conversation_id, "user_id": user_id}


async def get_access(
    conn: AsyncConnection, user_id: int, conversation_id: int, *, allow_former: bool = False
) -> Access:
    """The caller's view of a conversation; 404 alike for unknown ids and conversations they are not in.

    ``allow_former`` also admits people who left or were removed, so a send can tell them why it fails.
    """
    return access_from(
        await _ACCESS.all(conn, conversation_id=conversation_id, user_id=user_id), allow_former
    )


def access_from(rows: list[Any], allow_former: bool = False) -> Access:
    row = rows[0] if rows else None
    if row is None or not (row.active or allow_former):
        raise not_found("conversation")
    return Access(row, row.formal, row.active, row.last_read_seq, bool(row.space_disabled))


_RESERVE_MESSAGE_ID = Prepared(select(next_id(messages)))


@dataclass(frozen=True)
class SendAccess:
    access: Access
    disabled: list[Any]
    message_id: int | None  # reserved for the message (PostgreSQL); None where the insert assigns it (SQLite)


async def access_for_send(
    conn: AsyncConnection,
    user_id: int,
    conversation_id: int,
    *,
    ahead: tuple[Prepared, dict[str, Any]] | None = None,
) -> tuple[list[Any], Callable[[], Awaitable[SendAccess]]]:
    """What a send into a conversation checks, read in one round trip: the sender's access (former members
    admitted, so the send can say why it fails) and the other active members whose messaging is off (none are
    looked at in an individual-messages conversation, whose only member is the sender); in the same round trip,
    an id for the message (``db.expressions.next_id``), so the write can go out whole with the commit.

    ``ahead``: the caller's own statement, sent first in that round trip (a send's lookup of a retried
    ``client_message_id``). Its rows come back at once; the access is decided when the caller asks for it, so
    that a retry is answered before the access is checked (the original answer stands, also for a sender who
    has left since)."""
    calls = [
        access_statement(user_id, conversation_id),
        (ANY_ORG_DISABLED, {}),
        (_OTHER_MEMBERS_OFF, {"conversation_id": conversation_id, "except_id": user_id}),
        (_RESERVE_MESSAGE_ID, {}),
    ]
    answers = await together(conn, *([ahead] if ahead is not None else []), *calls)
    ahead_rows = answers.pop(0) if ahead is not None else []
    access_rows, orgs_off, members_off, [(message_id,)] = answers

    async def decided() -> SendAccess:
        access = access_from(access_rows, allow_former=True)
        if access.kind == "individual":
            return SendAccess(access, [], message_id)
        disabled = await _disabled_under_orgs(conn, conversation_id, user_id) if orgs_off else members_off
        return SendAccess(access, disabled, message_id)

    return ahead_rows, decided


def _only_own_individual_copies(user_id: ColumnElement[int]) -> ColumnElement[bool]:
    """A 1:1 that holds nothing but the caller's own copies of "Sent to X people" messages: the sender sees those
    through the one "Sent to X people" entry (the reference: it "appears as 'Sent to X people' in the conversation
    list"), and the 1:1 joins the list on its own once anything else is written in it — an answer, or a message
    the sender writes there directly. A 1:1 with history from before keeps its entry."""
    other = (
        select(messages.c.id)
        .where(
            messages.c.conversation_id == conversations.c.id,
            or_(messages.c.copy_of_id.is_(None), messages.c.sender_id != user_id),
        )
        .exists()
    )
    return and_(conversations.c.kind == "direct", conversations.c.last_seq > 0, ~other)


_LISTED = (
    select(conversations, memberships.c.last_read_seq, memberships.c.formal, memberships.c.muted)
    .join(memberships, memberships.c.conversation_id == conversations.c.id)
    .where(
        memberships.c.user_id == bindparam("user_id"),
        memberships.c.active.is_(True),
        ~_only_own_individual_copies(bindparam("user_id")),
    )
    .order_by(conversations.c.last_activity_at.desc(), conversations.c.id.desc())
    .limit(bindparam("limit"))
)
_FIRST_PAGE = Prepared(_LISTED)
_LATER_PAGE = Prepared(
    _LISTED.where(
        tuple_(conversations.c.last_activity_at, conversations.c.id)
        < tuple_(bindparam("before_at", type_=UTCDateTime()), bindparam("before_id", type_=Integer()))
    )
)


async def list_page(
    conn: AsyncConnection, user_id: int, limit: int, before: tuple[datetime, int] | None
) -> list[Any]:
    """The caller's conversations, newest activity first, keyset-paginated on (last activity, id); a 1:1 the
    caller wrote to only through Individual messages is reached through its "Sent to X people" entry."""
    if before is None:
        return await _FIRST_PAGE.all(conn, user_id=user_id, limit=limit)
    return await _LATER_PAGE.all(conn, user_id=user_id, limit=limit, before_at=before[0], before_id=before[1])


_MUTED = Prepared(
    select(memberships.c.conversation_id).where(
        memberships.c.user_id == bindparam("user_id"),
        memberships.c.active.is_(True),
        memberships.c.muted.is_(True),
    )
)


def _unread(conditions: Sequence[ColumnElement[bool]]) -> Prepared:
    """Messages by others after the caller's read cursor, per conversation (only those with any)."""
    return Prepared(
        select(messages.c.conversation_id, func.count())
        .select_from(memberships)
        .join(conversations, conversations.c.id == memberships.c.conversation_id)
        .join(
            messages,
            and_(
                messages.c.conversation_id == memberships.c.conversation_id,
                messages.c.seq > memberships.c.last_read_seq,
            ),
        )
        .where(
            memberships.c.user_id == bindparam("user_id"),
            memberships.c.active.is_(True),
            conversations.c.last_seq > memberships.c.last_read_seq,
            messages.c.sender_id != bindparam("user_id"),
            *conditions,
        )
        .group_by(messages.c.conversation_id)
    )


_UNREAD = _unread(())
_UNREAD_AMONG = _unread((among(memberships.c.conversation_id, "conversation_ids"),))


async def badge(conn: AsyncConnection, user_id: int) -> tuple[dict[int, int], int]:
    """Unread per conversation, and the badge: their sum over the conversations the person has not muted."""
    counted, muted_rows = await together(
        conn, (_UNREAD, {"user_id": user_id}), (_MUTED, {"user_id": user_id})
    )
    counts: dict[int, int] = dict(counted)
    muted = {conversation_id for (conversation_id,) in muted_rows}
    return counts, sum(count for conversation_id, count in counts.items() if conversation_id not in muted)


_OTHER_MEMBERS = (
    select(users.c.id, users.c.name, memberships.c.formal)
    .join(users, users.c.id == memberships.c.user_id)
    .where(
        memberships.c.conversation_id == bindparam("conversation_id"),
        memberships.c.active.is_(True),
        memberships.c.user_id != bindparam("except_id"),
    )
    .order_by(users.c.name, users.c.id)
)
# Driven by the people whose messaging is off (their own index, usually empty), not by the members: both
# databases read nothing more for a course of 300 than for a 1:1.
_OTHER_MEMBERS_OFF = Prepared(
    _OTHER_MEMBERS.where(
        memberships.c.user_id.in_(select(users.c.id).where(users.c.messaging_disabled.is_(True)))
    )
)
_OTHER_MEMBERS_ALL = Prepared(_OTHER_MEMBERS)


async def disabled_members(conn: AsyncConnection, conversation_id: int, except_id: int) -> list[Any]:
    """Active members but one whose messaging is off (§6.4): (id, name, formal), by name.

    Messaging is off for a person, or for an org above them; while no org has it off (the usual case) the
    members' own switches are all there is to read."""
    if not await any_org_disabled(conn):
        return await _OTHER_MEMBERS_OFF.all(conn, conversation_id=conversation_id, except_id=except_id)
    return await _disabled_under_orgs(conn, conversation_id, except_id)


async def _disabled_under_orgs(conn: AsyncConnection, conversation_id: int, except_id: int) -> list[Any]:
    members = await _OTHER_MEMBERS_ALL.all(conn, conversation_id=conversation_id, except_id=except_id)
    disabled = await disabled_among(conn, [member.id for member in members], await org_tree(conn))
    return [member for member in members if member.id in disabled]


async def active_member_ids(conn: AsyncConnection, conversation_id: int) -> list[int]:
    rows = await conn.execute(
        select(memberships.c.user_id).where(
            memberships.c.conversation_id == conversation_id, memberships.c.active.is_(True)
        )
    )
    return list(rows.scalars())


_FORMAL_NAMES = Prepared(
    select(memberships.c.conversation_id, users.c.id, users.c.name)
    .join(users, users.c.id == memberships.c.user_id)
    .where(
        among(memberships.c.conversation_id, "conversation_ids"),
        memberships.c.active.is_(True),
        memberships.c.formal.is_(True),
    )
    .order_by(memberships.c.conversation_id, users.c.name, users.c.id)
)


def _by_conversation(rows: Iterable[Any]) -> dict[int, list[tuple[int, str]]]:
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for conversation_id, member_id, name in rows:
        names[conversation_id].append((member_id, name))
    return names


async def live_space_conversation(conn: AsyncConnection, space_id: int) -> Any | None:
    return (
        await conn.execute(
            select(conversations).where(
                conversations.c.space_id == space_id, conversations.c.status != "deleted"
            )
        )
    ).first()


async def direct_conversation(conn: AsyncConnection, direct_key: str) -> Any | None:
    return (await conn.execute(select(conversations).where(conversations.c.direct_key == direct_key))).first()


async def individual_targets(conn: AsyncConnection, conversation_id: int) -> list[tuple[int, int]]:
    """(recipient id, their 1:1 conversation id) for a "Sent to X people" conversation."""
    rows = await conn.execute(
        select(individual_recipients.c.user_id, individual_recipients.c.direct_conversation_id)
        .where(individual_recipients.c.conversation_id == conversation_id)
        .order_by(individual_recipients.c.user_id)
    )
    return list(rows.all())


@dataclass(frozen=True, slots=True)
class Participant:
    id: int
    name: str
    title: str
    avatar_url: str | None
    role: str
    formal: bool
    messaging_disabled: bool
    relationship: list[RelationshipOut]


async def participants(conn: AsyncConnection, access: Access, viewer_id: int) -> list[Participant]:
    """Everyone active in the conversation, with their role and the viewer's relationship to them (§4.2)."""
    conversation = access.conversation
    query = (
        select(users.c.id, users.c.name, users.c.title, users.c.avatar_url, memberships.c.formal)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(memberships.c.conversation_id == conversation.id, memberships.c.active.is_(True))
        .order_by(users.c.name, users.c.id)
    )
    if conversation.kind == "mass":  # recipients of a mass message never learn who else received it
        query = query.where(users.c.id.in_({viewer_id, conversation.created_by}))
    rows = (await conn.execute(query)).all()
    ids = [row.id for row in rows]
    roles = await _roles_here(conn, conversation.space_id, ids)
    relations = await _relationships(conn, viewer_id, ids)
    disabled = await disabled_among(conn, ids)
    return [
        Participant(
            row.id,
            row.name,
            row.title,
            row.avatar_url,
            roles.get(row.id, "student"),
            row.formal,
            row.id in disabled,
            relations.get(row.id, []),
        )
        for row in rows
    ]


async def _roles_here(conn: AsyncConnection, space_id: int | None, user_ids: list[int]) -> dict[int, str]:
    """A participant's role in the course/project of the conversation, else their highest school role."""
    roles = await school_roles(conn, user_ids)
    if space_id is not None:
        rows = await conn.execute(
            select(space_members.c.user_id, space_members.c.role).where(space_members.c.space_id == space_id)
        )
        roles.update(dict(rows.all()))
    return roles


async def _relationships(
    conn: AsyncConnection, viewer_id: int, user_ids: list[int]
) -> dict[int, list[RelationshipOut]]:
    """Courses and projects the viewer shares with each participant, and both roles there."""
    mine = (
        select(space_members.c.space_id, space_members.c.role)
        .where(space_members.c.user_id == viewer_id)
        .subquery()
    )
    rows = await conn.execute(
        select(
            space_members.c.user_id,
            spaces.c.id,
            spaces.c.kind,
            spaces.c.name,
            mine.c.role,
            space_members.c.role,
        )
        .join(mine, mine.c.space_id == space_members.c.space_id)
        .join(spaces, spaces.c.id == space_members.c.space_id)
        .where(space_members.c.user_id.in_(user_ids), space_members.c.user_id != viewer_id)
        .order_by(spaces.c.name)
    )
    relations: dict[int, list[RelationshipOut]] = defaultdict(list)
    for user_id, space_id, kind, name, your_role, their_role in rows:
        relations[user_id].append(
            RelationshipOut(
                space_id=space_id,
                kind=kind,
                name=name,
                your_role=your_role,
                their_role=their_role,
                text=_relationship_text(kind, name, your_role, their_role),
            )
        )
    return relations


def _relationship_text(kind: str, name: str, your_role: str, their_role: str) -> str:
    if your_role == "teacher" and their_role == "student":
        return text("conversations.relationship.their_teacher", name=name)
    if your_role == "student" and their_role == "teacher":
        return text("conversations.relationship.your_teacher", name=name)
    if your_role == their_role == "teacher":
        return text("conversations.relationship.both_teach", name=name)
    if kind == "project":
        return text("conversations.relationship.both_in_project", name=name)
    return text("conversations.relationship.both_in_course", name=name)


def _status_notice(status: str) -> str | None:
    if status == "closed":
        return text("conversations.status.closed")
    if status == "deleted":
        return text("conversations.status.deleted")
    return None


def _display_name(row: Any, viewer_id: int, members: list[tuple[int, str]], facts: _NameFacts) -> str:
    if row.kind == "mass":
        sender = facts.senders.get(row.id)
        return (
            text("conversations.name.mass", sender=sender)
            if sender
            else text("conversations.name.mass_alone")
        )
    if row.kind == "individual":
        return texts.sent_to(facts.recipients.get(row.id, 0))
    if row.kind in ("direct", "group") and not (row.kind == "group" and row.name):
        others = [name for member_id, name in members if member_id != viewer_id]
        if not others:
            return text("conversations.name.only_you")
        shown = ", ".join(others[:3])
        return (
            shown
            if len(others) <= 3
            else plural_text("conversations.name.and_more", len(others) - 3, names=shown)
        )
    return row.name or ""


_ANSWERING_MEMBER = and_(
    among(memberships.c.conversation_id, "talk_ids"),
    memberships.c.active.is_(True),
    memberships.c.formal.is_(True),
    memberships.c.user_id != bindparam("viewer_id"),
    users.c.working_hours.is_not(None),
)
# The other formal participants of 1:1s and groups who have set working hours, and their clocks.
_ANSWERING = Prepared(
    select(memberships.c.conversation_id, users.c.id, users.c.name, users.c.working_hours)
    .join(users, users.c.id == memberships.c.user_id)
    .where(_ANSWERING_MEMBER)
    .order_by(memberships.c.conversation_id, users.c.name)
)
_ANSWERING_ZONES = Prepared(
    zones_of(
        org_roles.c.user_id.in_(
            select(memberships.c.user_id)
            .join(users, users.c.id == memberships.c.user_id)
            .where(_ANSWERING_MEMBER)
        )
    )
)


def _answering_notices(members: Sequence[Any], zones: Sequence[Any], moment: datetime) -> dict[int, str]:
    """For 1:1 and group conversations, the working hours notices of the other participants (see
    ``people.queries.working_hours_notices``), by conversation: from ``_ANSWERING`` and ``_ANSWERING_ZONES``."""
    notices = notices_at(answering(members, zones), moment)
    by_conversation: dict[int, list[int]] = defaultdict(list)
    for member in members:
        by_conversation[member.conversation_id].append(member.id)
    return {
        conversation_id: text
        for conversation_id, user_ids in by_conversation.items()
        if (text := joined_notices(notices, user_ids)) is not None
    }


_MASS_SENDERS = Prepared(
    select(conversations.c.id, users.c.name)
    .join(users, users.c.id == conversations.c.created_by)
    .where(among(conversations.c.id, "conversation_ids"))
)
_RECIPIENT_COUNTS = Prepared(
    select(individual_recipients.c.conversation_id, func.count())
    .where(among(individual_recipients.c.conversation_id, "conversation_ids"))
    .group_by(individual_recipients.c.conversation_id)
)


@dataclass(frozen=True, slots=True)
class _NameFacts:
    """What the names of 1:1s, unnamed groups, mass messages and "Sent to X people" conversations are written
    from: they are written in the reader's language when read, so the conversation stores no name."""

    members: dict[int, list[tuple[int, str]]]  # formal participants (id, name) by name, by conversation
    senders: dict[int, str]  # a mass message's sender's name, by conversation
    recipients: dict[int, int]  # how many people a "Sent to X people" conversation went to

    @staticmethod
    def reads(rows: Sequence[Any]) -> list[tuple[Prepared, dict[str, Any]]]:
        """The statements ``of`` takes the rows of, in that order."""
        unnamed = [row.id for row in rows if row.kind == "direct" or (row.kind == "group" and not row.name)]
        return [
            (_FORMAL_NAMES, {"conversation_ids": unnamed}),
            (_MASS_SENDERS, {"conversation_ids": [row.id for row in rows if row.kind == "mass"]}),
            (_RECIPIENT_COUNTS, {"conversation_ids": [row.id for row in rows if row.kind == "individual"]}),
        ]

    @staticmethod
    def of(members: Iterable[Any], senders: Iterable[Any], recipients: Iterable[Any]) -> _NameFacts:
        return _NameFacts(_by_conversation(members), dict(senders), dict(recipients))


def _display_names(rows: Sequence[Any], viewer_id: int, facts: _NameFacts) -> dict[int, str]:
    return {row.id: _display_name(row, viewer_id, facts.members.get(row.id, []), facts) for row in rows}


async def display_names(conn: AsyncConnection, rows: Sequence[Any], viewer_id: int) -> dict[int, str]:
    """How the viewer sees each conversation's name (as in their list), in their language: 1:1s and unnamed
    groups by their participants, a mass message by its sender, "Sent to X people" by its number of recipients."""
    facts = _NameFacts.of(*await together(conn, *_NameFacts.reads(rows)))
    return _display_names(rows, viewer_id, facts)


async def describe(conn: AsyncConnection, rows: Sequence[Any], viewer: Actor) -> list[ConversationOut]:
    """Conversation rows (joined with the viewer's membership) as the viewer sees them: name, preview, unread,
    and what they may do there (``policy.offers``). The one place a ``ConversationOut`` is built; every fact it
    needs is read in one round trip."""
    if not rows:
        return []
    talks = {"talk_ids": [row.id for row in rows if row.kind in ("direct", "group")], "viewer_id": viewer.id}
    (
        members,
        senders,
        recipients,
        unread_rows,
        off_rows,
        role_rows,
        answering_rows,
        zone_rows,
    ) = await together(
        conn,
        *_NameFacts.reads(rows),
        (_UNREAD_AMONG, {"user_id": viewer.id, "conversation_ids": [row.id for row in rows]}),
        (SPACES_OFF, {"space_ids": [row.space_id for row in rows if row.space_id]}),
        (SPACE_ROLES, {"user_id": viewer.id}),
        (_ANSWERING, talks),
        (_ANSWERING_ZONES, talks),
    )
    names = _display_names(rows, viewer.id, _NameFacts.of(members, senders, recipients))
    unread: dict[int, int] = dict(unread_rows)
    switched_off = {space_id for (space_id,) in off_rows}
    space_roles = space_roles_from(role_rows)
    answering = _answering_notices(answering_rows, zone_rows, utcnow())
    return [
        ConversationOut(
            id=row.id,
            kind=row.kind,
            icon=icon_for(row.kind),
            name=names[row.id],
            custom_name=row.name if row.kind == "group" else None,
            status=row.status,
            status_notice=_status_notice(row.status),
            space_id=row.space_id,
            created_at=row.created_at,
            last_activity_at=row.last_activity_at,
            last_seq=row.last_seq,
            read_seq=row.last_read_seq,
            unread=unread.get(row.id, 0),
            muted=row.muted,
            formal=row.formal,
            created_by=row.created_by,
            messaging_disabled_notice=texts.space_messaging_disabled(row.kind)
            if row.space_id in switched_off
            else None,
            working_hours_notice=answering.get(row.id),
            preview=Preview(text=row.last_message_preview, sender_id=row.last_message_sender_id)
            if row.last_message_preview is not None
            else None,
            actions=_actions(
                MemberFacts(
                    kind=row.kind,
                    status=row.status,
                    space_disabled=row.space_id in switched_off,
                    is_creator=row.created_by == viewer.id,
                    staff_here=_staff_here(viewer, space_roles, row.space_id),
                    formal=row.formal,
                    space_role=space_roles.get(row.space_id) if row.space_id else None,
                )
            ),
        )
        for row in rows
    ]


@cache
def _actions(facts: MemberFacts) -> ConversationActions:
    """The actions offered for these facts. They are a few hundred combinations of kinds, statuses, roles and
    flags, and ``offers`` is pure, so each is worked out once a process (it was a fifth of a list page's CPU);
    the answer is frozen, as every entry with the same facts shares it."""
    return ConversationActions.model_validate(offers(facts))


async def describe_one(conn: AsyncConnection, viewer: Actor, conversation_id: int) -> ConversationOut:
    """One conversation as its entry, and for "Sent to X people" the 1:1s it went to (the list leaves out those
    with nothing but its copies, so they are reached from here)."""
    access = await get_access(conn, viewer.id, conversation_id)
    described = (await describe(conn, [access.conversation], viewer))[0]
    if access.kind == "individual":
        described.recipients = await _individual_recipients(conn, conversation_id)
    return described


async def _individual_recipients(conn: AsyncConnection, conversation_id: int) -> list[IndividualRecipientOut]:
    rows = await conn.execute(
        select(users.c.id, users.c.name, individual_recipients.c.direct_conversation_id)
        .join(users, users.c.id == individual_recipients.c.user_id)
        .where(individual_recipients.c.conversation_id == conversation_id)
        .order_by(users.c.name, users.c.id)
    )
    return [
        IndividualRecipientOut(id=user_id, name=name, conversation_id=direct_id)
        for user_id, name, direct_id in rows
    ]


async def is_staff_in(conn: AsyncConnection, actor: Actor, space_id: int | None) -> bool:
    """Staff for a conversation: a teacher of its course or project, or an admin; outside courses and projects,
    anyone with a teacher or admin role in a school."""
    return _staff_here(actor, await space_roles_of(conn, actor.id) if space_id is not None else {}, space_id)


def _staff_here(actor: Actor, space_roles: Mapping[int, SpaceRole], space_id: int | None) -> bool:
    if space_id is None:
        return actor.is_staff
    return space_roles.get(space_id) == SpaceRole.TEACHER or actor.is_admin
