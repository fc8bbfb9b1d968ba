"""Reads of the language settings: a person's own choice, and their school's default inherited down the orgs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.i18n.languages import Language, effective
from schoolchat.people.models import org_roles, orgs, users

MAX_ORG_DEPTH = 10  # district, school, department: far deeper than any real hierarchy, and it ends a loop


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """What decides a person's language before their browser does."""

    setting: str | None  # their own choice
    school_default: str | None  # their school's (the first org they hold a role in, by id), or an ancestor's


def nearest_default_language(orgs: Mapping[int, tuple[int | None, str | None]], org_id: int) -> str | None:
    """The default language of ``org_id``: its own, else its nearest ancestor's that has one, else None, among
    ``orgs`` (id → (parent id, default language))."""
    current: int | None = org_id
    for _ in range(MAX_ORG_DEPTH):
        if current is None or current not in orgs:
            return None
        parent_id, language = orgs[current]
        if language is not None:
            return language
        current = parent_id
    return None


async def org_default_languages(conn: AsyncConnection, org_ids: Iterable[int]) -> dict[int, str | None]:
    """Each org's default language: its own, else the nearest ancestor's that has one, else None."""
    wanted = sorted(set(org_ids))
    rows: dict[int, tuple[int | None, str | None]] = {}
    frontier = set(wanted)
    for _ in range(MAX_ORG_DEPTH):
        if not frontier:
            break
        fetched = (
            await conn.execute(
                select(orgs.c.id, orgs.c.parent_id, orgs.c.default_language).where(
                    orgs.c.id.in_(sorted(frontier))
                )
            )
        ).all()
        rows.update({row.id: (row.parent_id, row.default_language) for row in fetched})
        frontier = {
            row.parent_id
            for row in fetched
            if row.default_language is None and row.parent_id is not None and row.parent_id not in rows
        }
    return {org_id: nearest_default_language(rows, org_id) for org_id in wanted}


async def language_settings_of(conn: AsyncConnection, user_ids: Iterable[int]) -> dict[int, LanguageSettings]:
    """For each of ``user_ids`` that exists: their own language and their school's default. The school is the one
    whose clock they read too (``people.queries.time_zones_of``): the first org they hold a role in."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    own = dict((await conn.execute(select(users.c.id, users.c.language).where(users.c.id.in_(wanted)))).all())
    first_org = dict(
        (
            await conn.execute(
                select(org_roles.c.user_id, func.min(org_roles.c.org_id))
                .where(org_roles.c.user_id.in_(wanted))
                .group_by(org_roles.c.user_id)
            )
        ).all()
    )
    defaults = await org_default_languages(conn, first_org.values())
    return {
        user_id: LanguageSettings(
            own[user_id], defaults.get(first_org[user_id]) if user_id in first_org else None
        )
        for user_id in wanted
        if user_id in own
    }


async def recipient_language(conn: AsyncConnection, user_id: int) -> Language:
    """The language to write to someone in when no request of theirs is at hand (a notification): their setting,
    else their school's, else English."""
    found = (await language_settings_of(conn, [user_id])).get(user_id)
    return effective(found.setting, found.school_default) if found else effective(None, None)
