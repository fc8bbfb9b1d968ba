"""Reads for notifications: a school's settings, a person's preference, and the facts the policy decides on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations.models import memberships
from schoolchat.notifications.models import (
    notification_preferences,
    org_notification_settings,
    push_subscriptions,
)
from schoolchat.people.models import ROLE_RANK, org_roles, users
from schoolchat.people.queries import time_zones_of
from schoolchat.people.reach import OrgTree, disabled_among
from schoolchat.policy.notifications import EmailMode, RecipientFacts
from schoolchat.policy.quiet_hours import QuietHours

DEFAULT_EMAIL_MODE: EmailMode = "soon"


@dataclass(frozen=True)
class SchoolSettings:
    org_id: int | None  # the org whose row applies (None: nobody set anything, the defaults apply)
    email_default: EmailMode = DEFAULT_EMAIL_MODE  # the column admits no other (its check constraint)
    include_text: bool = False
    quiet_start: int | None = None  # minutes after local midnight
    quiet_end: int | None = None
    quiet_weekends: bool = False

    def quiet(self, zone: ZoneInfo) -> QuietHours | None:
        """The quiet hours on ``zone``'s wall clock: the school clock (``orgs.time_zone``) of the person held."""
        if self.quiet_start is None or self.quiet_end is None:
            return QuietHours(zone, weekends=True) if self.quiet_weekends else None
        return QuietHours(zone, _clock(self.quiet_start), _clock(self.quiet_end), self.quiet_weekends)


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def clock_text(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


async def settings_rows(conn: AsyncConnection) -> dict[int, SchoolSettings]:
    """Every org's own settings (a handful of rows: one per school that changed anything)."""
    rows = (await conn.execute(select(org_notification_settings))).all()
    return {
        row.org_id: SchoolSettings(
            row.org_id,
            row.email_default,
            row.include_text,
            row.quiet_start,
            row.quiet_end,
            row.quiet_weekends,
        )
        for row in rows
    }


def settings_for(tree: OrgTree, rows: Mapping[int, SchoolSettings], org_ids: Iterable[int]) -> SchoolSettings:
    """The settings of the nearest org (from the person's role orgs upward, lowest org id first) that has any."""
    for org_id in sorted(org_ids):
        for org in tree.chain(org_id):
            if org in rows:
                return rows[org]
    return SchoolSettings(None)


async def roles_of(conn: AsyncConnection, user_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    held: dict[int, list[tuple[int, str]]] = {}
    for user_id, org_id, role in await conn.execute(
        select(org_roles.c.user_id, org_roles.c.org_id, org_roles.c.role).where(
            org_roles.c.user_id.in_(list(user_ids))
        )
    ):
        held.setdefault(user_id, []).append((org_id, role))
    return held


async def own_preference(conn: AsyncConnection, user_id: int) -> EmailMode | None:
    return (
        await conn.execute(
            select(notification_preferences.c.email).where(notification_preferences.c.user_id == user_id)
        )
    ).scalar_one_or_none()


async def recipient_facts(
    conn: AsyncConnection,
    conversation_id: int,
    user_ids: Sequence[int],
    tree: OrgTree,
    schools: Mapping[int, SchoolSettings],
    channels: frozenset[str],
) -> dict[int, RecipientFacts]:
    """What the policy needs about each member of a conversation, on the channels the service can deliver on.

    Settings are inherited (``settings_for``), the clock is not: quiet hours and the digest hour are read on each
    person's own school clock (``time_zones_of``, the one their teachers' working hours use too), so a district's
    "21:00" is 21:00 at every school below it."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    people = {
        row.id: row
        for row in await conn.execute(
            select(users.c.id, users.c.email, users.c.is_active).where(users.c.id.in_(wanted))
        )
    }
    muted = set(
        (
            await conn.execute(
                select(memberships.c.user_id).where(
                    memberships.c.conversation_id == conversation_id,
                    memberships.c.user_id.in_(wanted),
                    memberships.c.muted.is_(True),
                )
            )
        ).scalars()
    )
    chosen = dict(
        (
            await conn.execute(
                select(notification_preferences.c.user_id, notification_preferences.c.email).where(
                    notification_preferences.c.user_id.in_(wanted)
                )
            )
        ).all()
    )
    pushing = set(
        (
            await conn.execute(
                select(push_subscriptions.c.user_id)
                .distinct()
                .where(push_subscriptions.c.user_id.in_(wanted))
            )
        ).scalars()
    )
    disabled = await disabled_among(conn, wanted, tree)
    held = await roles_of(conn, wanted)
    zones = await time_zones_of(conn, wanted)
    facts: dict[int, RecipientFacts] = {}
    for user_id in wanted:
        person: Any = people.get(user_id)
        roles = held.get(user_id, [])
        school = settings_for(tree, schools, [org_id for org_id, _ in roles])
        zone = ZoneInfo(zones[user_id])
        facts[user_id] = RecipientFacts(
            user_id=user_id,
            role=max((role for _, role in roles), key=ROLE_RANK.__getitem__, default="student"),
            email_mode=chosen.get(user_id, school.email_default),
            has_email="email" in channels and bool(person is not None and person.email),
            has_push="push" in channels and user_id in pushing,
            disabled=user_id in disabled or person is None or not person.is_active,
            muted=user_id in muted,
            quiet=school.quiet(zone),
            timezone=zone,
        )
    return facts


async def email_address(conn: AsyncConnection, user_id: int) -> str | None:
    return (await conn.execute(select(users.c.email).where(users.c.id == user_id))).scalar_one_or_none()
