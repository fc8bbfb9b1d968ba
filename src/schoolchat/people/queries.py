"""Reads about people, organisations, courses and projects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.db.expressions import among
from schoolchat.db.prepared import Prepared, together
from schoolchat.kinds import SpaceRole
from schoolchat.people import reach
from schoolchat.people.models import ROLE_RANK, org_roles, orgs, space_members, spaces, users
from schoolchat.policy.admin import may_administer
from schoolchat.policy.decision import Allowed, require
from schoolchat.policy.recipients import SpaceSelection
from schoolchat.policy.working_hours import WorkingHours, working_hours_notice


@dataclass(frozen=True, slots=True)
class UserSummary:
    id: int
    name: str
    title: str
    avatar_url: str | None
    messaging_disabled: bool

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.split() if part]
        return "".join(part[0] for part in (parts[:1] + parts[1:][-1:])).upper() or "?"


async def user_summaries(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, UserSummary]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = (
        await conn.execute(
            select(users.c.id, users.c.name, users.c.title, users.c.avatar_url).where(users.c.id.in_(wanted))
        )
    ).all()
    disabled = await reach.disabled_among(conn, wanted)
    return {row.id: UserSummary(*row, messaging_disabled=row.id in disabled) for row in rows}


async def org_chain(conn: AsyncConnection, org_id: int) -> list[int]:
    """The org and its ancestors, nearest first; empty when the org does not exist."""
    chain: list[int] = []
    current: int | None = org_id
    while current is not None and current not in chain:
        parent = (await conn.execute(select(orgs.c.id, orgs.c.parent_id).where(orgs.c.id == current))).first()
        if parent is None:
            break
        chain.append(parent.id)
        current = parent.parent_id
    return chain


async def user_org_chains(conn: AsyncConnection, user_id: int) -> list[list[int]]:
    """For each org the user holds a role in, that org with its ancestors."""
    org_ids = (
        (await conn.execute(select(org_roles.c.org_id).where(org_roles.c.user_id == user_id))).scalars().all()
    )
    return [await org_chain(conn, org_id) for org_id in org_ids]


async def school_roles(conn: AsyncConnection, user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's highest role across their schools (admin over teacher over student)."""
    rows = await conn.execute(
        select(org_roles.c.user_id, org_roles.c.role).where(org_roles.c.user_id.in_(sorted(set(user_ids))))
    )
    best: dict[int, str] = {}
    for user_id, role in rows:
        if ROLE_RANK[role] >= ROLE_RANK.get(best.get(user_id, "student"), 0):
            best[user_id] = role
    return best


SPACE_ROLES = Prepared(
    select(space_members.c.space_id, space_members.c.role).where(
        space_members.c.user_id == bindparam("user_id")
    )
)


async def space_roles_of(conn: AsyncConnection, user_id: int) -> dict[int, SpaceRole]:
    """Every course and project the user takes part in, with their role there."""
    return space_roles_from(await SPACE_ROLES.all(conn, user_id=user_id))


def space_roles_from(rows: Iterable[Any]) -> dict[int, SpaceRole]:
    """``SPACE_ROLES``'s rows as ``space_roles_of`` answers."""
    return {space_id: SpaceRole(role) for space_id, role in rows}


async def own_spaces_and_time_zone(conn: AsyncConnection, user_id: int) -> tuple[dict[int, SpaceRole], str]:
    """What a person's own page shows of them (``GET /api/me``): ``space_roles_of`` and their time zone
    (``time_zones_of``), in one round trip."""
    spaces_found, zones = await together(
        conn, (SPACE_ROLES, {"user_id": user_id}), (_OWN_ZONES, {"user_id": user_id})
    )
    return space_roles_from(spaces_found), zones_by_person([user_id], zones)[user_id]


async def space_selection(conn: AsyncConnection, space_id: int) -> SpaceSelection | None:
    space = (
        await conn.execute(select(spaces.c.id, spaces.c.kind, spaces.c.name).where(spaces.c.id == space_id))
    ).first()
    if space is None:
        return None
    members = (
        (
            await conn.execute(
                select(space_members.c.user_id)
                .join(users, users.c.id == space_members.c.user_id)
                .where(space_members.c.space_id == space_id, users.c.is_active.is_(True))
            )
        )
        .scalars()
        .all()
    )
    return SpaceSelection(space.id, space.kind, space.name, frozenset(members))


async def _visible_to(conn: AsyncConnection, viewer_id: int) -> ColumnElement[bool]:
    """People the viewer may find: active, with a role in the viewer's orgs or below them (a district admin sees
    the district), or sharing a course or project. The communication rules then decide whom they may address."""
    tree = await reach.org_tree(conn)
    own = set(
        (await conn.execute(select(org_roles.c.org_id).where(org_roles.c.user_id == viewer_id))).scalars()
    )
    below = sorted(org for org in tree.parent if own.intersection(tree.chain(org)))
    viewer_spaces = select(space_members.c.space_id).where(space_members.c.user_id == viewer_id)
    return and_(
        users.c.is_active.is_(True),
        or_(
            users.c.id.in_(select(org_roles.c.user_id).where(org_roles.c.org_id.in_(below))),
            users.c.id.in_(
                select(space_members.c.user_id).where(space_members.c.space_id.in_(viewer_spaces))
            ),
        ),
    )


async def visible_people(conn: AsyncConnection, viewer_id: int, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the viewer may address."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    rows = await conn.execute(
        select(users.c.id).where(users.c.id.in_(wanted), await _visible_to(conn, viewer_id))
    )
    return set(rows.scalars())


async def search_people(conn: AsyncConnection, viewer_id: int, term: str, limit: int) -> list[UserSummary]:
    """People by name whom the viewer may start a conversation with under the communication rules."""
    candidates = (
        (
            await conn.execute(
                select(users.c.id)
                .where(
                    users.c.id != viewer_id,
                    func.lower(users.c.name).contains(term.lower(), autoescape=True),
                    await _visible_to(conn, viewer_id),
                )
                .order_by(users.c.name, users.c.id)
                .limit(limit * 5)
            )
        )
        .scalars()
        .all()
    )
    decisions = await reach.decide_many(conn, viewer_id, candidates)
    allowed = [user_id for user_id in candidates if isinstance(decisions[user_id], Allowed)][:limit]
    summaries = await user_summaries(conn, allowed)
    return [summaries[user_id] for user_id in allowed]


async def search_spaces(
    conn: AsyncConnection, viewer_id: int, term: str, limit: int
) -> list[tuple[int, str, str, int]]:
    """The viewer's courses and projects whose name matches: (id, kind, name, participant count)."""
    counts = (
        select(space_members.c.space_id, func.count().label("n"))
        .group_by(space_members.c.space_id)
        .subquery()
    )
    rows = await conn.execute(
        select(spaces.c.id, spaces.c.kind, spaces.c.name, counts.c.n)
        .join(space_members, space_members.c.space_id == spaces.c.id)
        .join(counts, counts.c.space_id == spaces.c.id)
        .where(
            space_members.c.user_id == viewer_id,
            func.lower(spaces.c.name).contains(term.lower(), autoescape=True),
        )
        .order_by(spaces.c.name, spaces.c.id)
        .limit(limit)
    )
    return [tuple(row) for row in rows]


async def administered_orgs(conn: AsyncConnection, actor_roles: dict[int, str]) -> list[Any]:
    """Every org the actor administers: those they are admin of, and all below them."""
    rows = (await conn.execute(select(orgs).order_by(orgs.c.id))).all()
    parents = {row.id: row.parent_id for row in rows}

    def administered(org_id: int | None) -> bool:
        seen: set[int] = set()
        while org_id is not None and org_id not in seen:
            if actor_roles.get(org_id) == "admin":
                return True
            seen.add(org_id)
            org_id = parents.get(org_id)
        return False

    return [row for row in rows if administered(row.id)]


async def org_people(conn: AsyncConnection, org_id: int, term: str, after_id: int, limit: int) -> list[Any]:
    """People with a role in the org, by id (keyset), optionally filtered by name."""
    query = (
        select(
            users.c.id,
            users.c.username,
            users.c.email,
            users.c.name,
            users.c.title,
            users.c.avatar_url,
            users.c.messaging_disabled,
            users.c.mass_messaging,
            users.c.is_active,
            org_roles.c.role,
        )
        .join(org_roles, org_roles.c.user_id == users.c.id)
        .where(org_roles.c.org_id == org_id, users.c.id > after_id)
        .order_by(users.c.id)
        .limit(limit)
    )
    if term:
        query = query.where(func.lower(users.c.name).contains(term.lower(), autoescape=True))
    return list((await conn.execute(query)).all())


async def org_spaces(conn: AsyncConnection, org_id: int) -> list[Any]:
    counts = (
        select(space_members.c.space_id, func.count().label("participant_count"))
        .group_by(space_members.c.space_id)
        .subquery()
    )
    rows = await conn.execute(
        select(
            spaces.c.id,
            spaces.c.kind,
            spaces.c.name,
            spaces.c.description,
            func.coalesce(counts.c.participant_count, 0).label("participant_count"),
            spaces.c.messaging_disabled,
            spaces.c.ends_on,
        )
        .outerjoin(counts, counts.c.space_id == spaces.c.id)
        .where(spaces.c.org_id == org_id)
        .order_by(spaces.c.name, spaces.c.id)
    )
    return list(rows.all())


async def space_org(conn: AsyncConnection, space_id: int) -> int | None:
    return (await conn.execute(select(spaces.c.org_id).where(spaces.c.id == space_id))).scalar_one_or_none()


async def space_participants(conn: AsyncConnection, space_id: int) -> list[Any]:
    rows = await conn.execute(
        select(users.c.id, users.c.name, users.c.title, space_members.c.role)
        .join(space_members, space_members.c.user_id == users.c.id)
        .where(space_members.c.space_id == space_id)
        .order_by(space_members.c.role, users.c.name, users.c.id)
    )
    return list(rows.all())


async def require_administered(
    conn: AsyncConnection, actor_roles: dict[int, str], org_id: int, what: str = "organisation"
) -> None:
    """404 unless the actor administers this org (directly or from above)."""
    require(may_administer(actor_roles, await org_chain(conn, org_id), what))


DEFAULT_TIME_ZONE = "Europe/Oslo"


async def time_zones_of(conn: AsyncConnection, user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's school clock: the time zone of the first org (by id) they hold a role in."""
    wanted = sorted(set(user_ids))
    return zones_by_person(wanted, await _ZONES.all(conn, user_ids=wanted))


def zones_of(people: ColumnElement[bool]) -> Select[tuple[int, str]]:
    """The statement ``zones_by_person`` reads the time zones of the people ``people`` selects from."""
    return (
        select(org_roles.c.user_id, orgs.c.time_zone)
        .join(orgs, orgs.c.id == org_roles.c.org_id)
        .where(people)
        .order_by(org_roles.c.org_id.desc())
    )


_OWN_ZONES = Prepared(zones_of(org_roles.c.user_id == bindparam("user_id")))
_ZONES = Prepared(zones_of(among(org_roles.c.user_id, "user_ids")))


def zones_by_person(wanted: Iterable[int], rows: Iterable[Any]) -> dict[int, str]:
    zones = {user_id: zone for user_id, zone in rows}  # the last row per person wins: their lowest org id
    return {user_id: zones.get(user_id, DEFAULT_TIME_ZONE) for user_id in wanted}


@dataclass(frozen=True, slots=True)
class Answering:
    """When someone usually answers, and on which clock."""

    name: str
    hours: WorkingHours
    time_zone: str


_WITH_HOURS = (among(users.c.id, "user_ids"), users.c.working_hours.is_not(None))
_WORKING_HOURS = Prepared(select(users.c.id, users.c.name, users.c.working_hours).where(*_WITH_HOURS))
_WORKING_HOURS_ZONES = Prepared(zones_of(org_roles.c.user_id.in_(select(users.c.id).where(*_WITH_HOURS))))


async def working_hours_of(conn: AsyncConnection, user_ids: Iterable[int]) -> dict[int, Answering]:
    """The people among ``user_ids`` who have set working hours."""
    wanted = sorted(set(user_ids))
    params = {"user_ids": wanted}
    hours, zones = await together(conn, (_WORKING_HOURS, params), (_WORKING_HOURS_ZONES, params))
    return answering(hours, zones)


def answering(hours: Iterable[Any], zones: Iterable[Any]) -> dict[int, Answering]:
    """People with working hours (rows of id, name, stored hours) and their time zones (``zones_of``'s rows)."""
    people = list(hours)
    clocks = zones_by_person([person.id for person in people], zones)
    return {
        person.id: Answering(person.name, WorkingHours.from_stored(person.working_hours), clocks[person.id])
        for person in people
    }


async def working_hours_notices(
    conn: AsyncConnection, user_ids: Iterable[int], moment: datetime
) -> dict[int, str]:
    """For each of ``user_ids`` whose working hours ``moment`` is outside of: "Maria Jensen usually answers
    between 08:00 and 16:00" (a notice for whoever writes to them, never a refusal)."""
    return notices_at(await working_hours_of(conn, user_ids), moment)


def notices_at(people: dict[int, Answering], moment: datetime) -> dict[int, str]:
    """The working hours notices of those of ``people`` whose hours ``moment`` is outside of, by person."""
    notices = {}
    for user_id, who in people.items():
        notice = working_hours_notice(who.name, who.hours, moment, who.time_zone)
        if notice is not None:
            notices[user_id] = notice
    return notices


def joined_notices(notices: dict[int, str], user_ids: Iterable[int]) -> str | None:
    """The notices of some of those people, as one text (in the order given), or None."""
    return ". ".join(notices[user_id] for user_id in user_ids if user_id in notices) or None
