"""Designating and standing down a school's safeguarding lead: by another admin of the school, audited."""

from __future__ import annotations

from sqlalchemy import delete, select

from schoolchat import audit
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.db.upsert import insert_ignoring_conflicts
from schoolchat.people import queries as people_queries
from schoolchat.people.models import org_roles
from schoolchat.policy.admin import may_grant
from schoolchat.policy.decision import require
from schoolchat.policy.safeguarding import may_designate_lead
from schoolchat.safeguarding import queries as safeguarding_queries
from schoolchat.safeguarding.models import safeguarding_leads
from schoolchat.services import Services


async def _require_designator(tx: Tx, actor: Actor, org_id: int, user_id: int) -> None:
    await people_queries.require_administered(tx.conn, actor.roles, org_id)
    role = (
        await tx.conn.execute(
            select(org_roles.c.role).where(org_roles.c.user_id == user_id, org_roles.c.org_id == org_id)
        )
    ).scalar_one_or_none()
    require(
        may_designate_lead(
            actor.id, actor.roles, user_id, await people_queries.user_org_chains(tx.conn, user_id), role
        )
    )


async def designate(services: Services, actor: Actor, org_id: int, user_id: int) -> None:
    """Make a teacher or admin of the school one of its safeguarding leads (again: nothing changes). From the
    next report on, they receive every report of the school."""
    async with services.db.write() as tx:
        await _require_designator(tx, actor, org_id, user_id)
        if await safeguarding_queries.leads_any_of(tx.conn, user_id, [org_id]):
            return
        await insert_ignoring_conflicts(
            tx.conn,
            safeguarding_leads,
            [{"org_id": org_id, "user_id": user_id, "granted_by": actor.id, "granted_at": utcnow()}],
            key=["org_id", "user_id"],
        )
        await audit.record(
            tx,
            actor,
            "safeguarding_lead.designated",
            "user",
            user_id,
            org_ids=[org_id],
            details={"org_id": org_id},
        )


async def stand_down(services: Services, actor: Actor, org_id: int, user_id: int) -> None:
    """The person is no longer a lead of the school: new reports no longer reach them as its lead (reports they
    already received stay in their inbox, as for a teacher who leaves a course)."""
    async with services.db.write() as tx:
        await people_queries.require_administered(tx.conn, actor.roles, org_id)
        require(
            may_grant(actor.id, actor.roles, user_id, await people_queries.user_org_chains(tx.conn, user_id))
        )
        removed = (
            await tx.conn.execute(
                delete(safeguarding_leads).where(
                    safeguarding_leads.c.org_id == org_id, safeguarding_leads.c.user_id == user_id
                )
            )
        ).rowcount
        if removed:
            await audit.record(
                tx,
                actor,
                "safeguarding_lead.stood_down",
                "user",
                user_id,
                org_ids=[org_id],
                details={"org_id": org_id},
            )
