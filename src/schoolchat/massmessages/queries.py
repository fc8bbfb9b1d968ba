"""Reads for mass messages: whom a selection reaches, and a sender's jobs (only their own: others' are not found)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.errors import not_found
from schoolchat.massmessages.models import mass_message_jobs
from schoolchat.people.models import org_roles, users
from schoolchat.people.reach import OrgTree


def subtree(tree: OrgTree, org_ids: Iterable[int]) -> list[int]:
    """The picked orgs and every org below them."""
    picked = set(org_ids)
    return sorted(org for org in tree.parent if picked & set(tree.chain(org)))


def _selected(org_ids: Sequence[int], roles: Sequence[str], sender_id: int) -> ColumnElement[bool]:
    """Active people, the sender excepted, with one of ``roles`` in one of ``org_ids``."""
    holders = select(org_roles.c.user_id).where(
        org_roles.c.org_id.in_(list(org_ids)), org_roles.c.role.in_(list(roles))
    )
    return users.c.id.in_(holders) & users.c.is_active.is_(True) & (users.c.id != sender_id)


async def count_recipients(
    conn: AsyncConnection, org_ids: Sequence[int], roles: Sequence[str], sender_id: int
) -> int:
    return (
        await conn.execute(
            select(func.count()).select_from(users).where(_selected(org_ids, roles, sender_id))
        )
    ).scalar_one()


async def recipients_after(
    conn: AsyncConnection,
    org_ids: Sequence[int],
    roles: Sequence[str],
    sender_id: int,
    after_id: int,
    limit: int,
) -> list[int]:
    """The next recipients by id after ``after_id``: the keyset a job walks, so it can resume where it stopped."""
    rows = await conn.execute(
        select(users.c.id)
        .where(_selected(org_ids, roles, sender_id), users.c.id > after_id)
        .order_by(users.c.id)
        .limit(limit)
    )
    return list(rows.scalars())


async def job_of(conn: AsyncConnection, sender_id: int, job_id: int) -> Any:
    """A job as its sender sees it; 404 alike for unknown ids and other people's jobs."""
    row = (
        await conn.execute(
            select(mass_message_jobs).where(
                mass_message_jobs.c.id == job_id, mass_message_jobs.c.sender_id == sender_id
            )
        )
    ).first()
    if row is None:
        raise not_found("mass message")
    return row


async def job_by_message(conn: AsyncConnection, message_id: int) -> Any | None:
    return (
        await conn.execute(select(mass_message_jobs).where(mass_message_jobs.c.message_id == message_id))
    ).first()


async def jobs_of(conn: AsyncConnection, sender_id: int, limit: int) -> list[Any]:
    rows = await conn.execute(
        select(mass_message_jobs)
        .where(mass_message_jobs.c.sender_id == sender_id)
        .order_by(mass_message_jobs.c.id.desc())
        .limit(limit)
    )
    return list(rows.all())
