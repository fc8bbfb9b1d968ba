"""Reads: registrations, the origins allowed to frame schoolchat, and who and what a launch names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.administration.roster.models import roster_ids
from schoolchat.conversations.models import conversations, memberships
from schoolchat.lti import texts
from schoolchat.lti.claims import Registration
from schoolchat.lti.models import lti_platforms
from schoolchat.lti.refusals import LaunchRefused
from schoolchat.people.models import space_members, spaces, users
from schoolchat.people.queries import org_chain, user_org_chains


def _registration(row: Any) -> Registration:
    return Registration(
        id=row.id,
        org_id=row.org_id,
        issuer=row.issuer,
        client_id=row.client_id,
        deployment_ids=tuple(row.deployment_ids),
        jwks_url=row.jwks_url,
        auth_login_url=row.auth_login_url,
        id_source=row.id_source,
    )


async def registration(conn: AsyncConnection, platform_id: int) -> Registration | None:
    row = await platform_row(conn, platform_id)
    return _registration(row) if row else None


async def registration_for_login(conn: AsyncConnection, issuer: str, client_id: str | None) -> Registration:
    """The registration a login initiation names: by issuer and, when the platform sends it, client id."""
    query = select(lti_platforms).where(lti_platforms.c.issuer == issuer)
    if client_id:
        query = query.where(lti_platforms.c.client_id == client_id)
    rows = (await conn.execute(query.limit(2))).all()
    if not rows:
        raise LaunchRefused(
            400, "unknown_platform", texts.unknown_platform(), {"iss": issuer, "client_id": client_id}
        )
    if len(rows) > 1:
        raise LaunchRefused(400, "ambiguous_platform", texts.ambiguous_platform(), {"iss": issuer})
    return _registration(rows[0])


async def frame_origins(conn: AsyncConnection) -> list[str]:
    """Every registered platform's page origins: the only pages that may show schoolchat in a frame."""
    found = {
        origin
        for origins in (await conn.execute(select(lti_platforms.c.frame_origins))).scalars()
        for origin in origins
    }
    return sorted(found)


async def _roster_local(conn: AsyncConnection, kind: str, sourced_id: str) -> int | None:
    return (
        await conn.execute(
            select(roster_ids.c.local_id).where(
                roster_ids.c.kind == kind,
                roster_ids.c.sourced_id == sourced_id,
                roster_ids.c.deleted.is_(False),
            )
        )
    ).scalar()


async def person_for(conn: AsyncConnection, registration: Registration, sourced_id: str) -> int | None:
    """The active person the roster knows by ``sourced_id``, when they hold a role under the registration's org
    (a platform registered by one school never signs in another school's people)."""
    user_id = await _roster_local(conn, "user", sourced_id)
    if (
        user_id is None
        or not (await conn.execute(select(users.c.is_active).where(users.c.id == user_id))).scalar()
    ):
        return None
    chains = await user_org_chains(conn, user_id)
    return user_id if any(registration.org_id in chain for chain in chains) else None


async def course_for(
    conn: AsyncConnection, registration: Registration, sourced_ids: Sequence[str]
) -> int | None:
    """The course the roster made from the first class of ``sourced_ids`` it knows, when that course belongs under
    the registration's org."""
    for sourced_id in sourced_ids:
        space_id = await _roster_local(conn, "class", sourced_id)
        if space_id is not None:
            org_id = (await conn.execute(select(spaces.c.org_id).where(spaces.c.id == space_id))).scalar()
            return (
                space_id
                if org_id is not None and registration.org_id in await org_chain(conn, org_id)
                else None
            )
    return None


async def course_conversation(conn: AsyncConnection, user_id: int, space_id: int) -> int | None:
    """The course's live conversation when the person is a participant of the course and a member of it."""
    return (
        await conn.execute(
            select(conversations.c.id)
            .join(memberships, memberships.c.conversation_id == conversations.c.id)
            .join(
                space_members,
                (space_members.c.space_id == conversations.c.space_id)
                & (space_members.c.user_id == memberships.c.user_id),
            )
            .where(
                conversations.c.space_id == space_id,
                conversations.c.status != "deleted",
                memberships.c.user_id == user_id,
                memberships.c.active.is_(True),
            )
        )
    ).scalar()


async def platforms_of(conn: AsyncConnection, org_id: int) -> list[Any]:
    return list(
        (
            await conn.execute(
                select(lti_platforms).where(lti_platforms.c.org_id == org_id).order_by(lti_platforms.c.id)
            )
        ).all()
    )


async def platform_row(conn: AsyncConnection, platform_id: int) -> Any | None:
    return (await conn.execute(select(lti_platforms).where(lti_platforms.c.id == platform_id))).first()
