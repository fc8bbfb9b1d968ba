"""Reads for safeguarding: the leads of a school, whether someone leads a report's school, a pupil's history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.messages.models import messages
from schoolchat.moderation.models import reports
from schoolchat.people.models import org_roles, users
from schoolchat.safeguarding.models import safeguarding_leads


async def leads_of(conn: AsyncConnection, org_ids: Iterable[int]) -> list[int]:
    """The safeguarding leads of these orgs (a report's schools), each once."""
    return sorted(
        set(
            (
                await conn.execute(
                    select(safeguarding_leads.c.user_id).where(
                        safeguarding_leads.c.org_id.in_(sorted(set(org_ids)))
                    )
                )
            ).scalars()
        )
    )


async def leads_in(conn: AsyncConnection, org_id: int) -> list[Any]:
    """One school's leads with their names, for its admin page."""
    return list(
        (
            await conn.execute(
                select(users.c.id, users.c.name, safeguarding_leads.c.granted_at)
                .join(users, users.c.id == safeguarding_leads.c.user_id)
                .where(safeguarding_leads.c.org_id == org_id)
                .order_by(users.c.name, users.c.id)
            )
        ).all()
    )


async def is_lead(conn: AsyncConnection, user_id: int) -> bool:
    """Whether the person is the safeguarding lead of any school (their Reports page offers escalation)."""
    return (
        await conn.execute(
            select(safeguarding_leads.c.org_id).where(safeguarding_leads.c.user_id == user_id).limit(1)
        )
    ).first() is not None


async def leads_any_of(conn: AsyncConnection, user_id: int, org_ids: Iterable[int]) -> bool:
    return (
        await conn.execute(
            select(safeguarding_leads.c.org_id)
            .where(
                safeguarding_leads.c.user_id == user_id, safeguarding_leads.c.org_id.in_(sorted(set(org_ids)))
            )
            .limit(1)
        )
    ).first() is not None


async def leads_school_of_pupil(conn: AsyncConnection, lead_id: int, pupil_id: int) -> bool:
    """Whether the caller leads a school in which the person is a pupil (holds the student role)."""
    pupil_schools = select(org_roles.c.org_id).where(
        org_roles.c.user_id == pupil_id, org_roles.c.role == "student"
    )
    return (
        await conn.execute(
            select(safeguarding_leads.c.org_id)
            .where(safeguarding_leads.c.user_id == lead_id, safeguarding_leads.c.org_id.in_(pupil_schools))
            .limit(1)
        )
    ).first() is not None


def involving_pupil(pupil_id: int) -> Any:
    """Reports that involve the pupil: about a message the pupil wrote, or made by the pupil where the report
    names its reporter (1:1 conversations; a group's reporter stays anonymous even here). The inbox query adds
    that the caller reviews them."""
    written = select(messages.c.id).where(messages.c.sender_id == pupil_id)
    return or_(
        reports.c.message_id.in_(written),
        and_(reports.c.reporter_id == pupil_id, reports.c.reporter_visible.is_(True)),
    )
