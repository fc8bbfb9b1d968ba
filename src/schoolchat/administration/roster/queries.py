"""Reads of roster uploads: only through the orgs the caller administers (others' jobs are not found)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.administration.roster.models import roster_jobs
from schoolchat.errors import not_found
from schoolchat.people.queries import administered_orgs


async def job_of(conn: AsyncConnection, actor_roles: dict[int, str], job_id: int) -> Any:
    row = (await conn.execute(select(roster_jobs).where(roster_jobs.c.id == job_id))).first()
    if row is None or row.org_id not in {org.id for org in await administered_orgs(conn, actor_roles)}:
        raise not_found("roster import")
    return row


async def jobs_of_org(conn: AsyncConnection, org_id: int, limit: int) -> list[Any]:
    """The org's uploads, newest first (the caller's right to the org is checked by the route)."""
    rows = await conn.execute(
        select(roster_jobs)
        .where(roster_jobs.c.org_id == org_id)
        .order_by(roster_jobs.c.id.desc())
        .limit(limit)
    )
    return list(rows.all())
