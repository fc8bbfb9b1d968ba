"""Routes: a school's safeguarding leads (admin page) and a pupil's report history (the lead's Reports page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from schoolchat.auth.deps import CurrentActor, MessagingActor
from schoolchat.inputs import Id
from schoolchat.moderation import queries as moderation_queries
from schoolchat.moderation.schemas import ReportOut, ReportPage
from schoolchat.people import queries as people_queries
from schoolchat.policy.decision import require
from schoolchat.policy.safeguarding import may_read_pupil_history
from schoolchat.ratelimit.deps import per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.safeguarding import actions, queries
from schoolchat.safeguarding.schemas import LeadOut
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api", tags=["safeguarding"])


@router.get(
    "/admin/orgs/{org_id}/safeguarding-leads",
    response_model=list[LeadOut],
    tags=["administration"],
    summary="The school's designated safeguarding leads",
)
async def leads(org_id: Id, actor: CurrentActor, services: ServicesDep) -> list[LeadOut]:
    async with services.db.read() as conn:
        await people_queries.require_administered(conn, actor.roles, org_id)
        return [LeadOut(**row._mapping) for row in await queries.leads_in(conn, org_id)]


@router.put(
    "/admin/orgs/{org_id}/safeguarding-leads/{user_id}",
    status_code=204,
    tags=["administration"],
    dependencies=[per_person(Rule.SAFEGUARDING)],
    summary="Designate a teacher or admin of the school as a safeguarding lead (by another admin)",
)
async def designate(org_id: Id, user_id: Id, actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.designate(services, actor, org_id, user_id)
    return Response(status_code=204)


@router.delete(
    "/admin/orgs/{org_id}/safeguarding-leads/{user_id}",
    status_code=204,
    tags=["administration"],
    dependencies=[per_person(Rule.SAFEGUARDING)],
    summary="Stand a safeguarding lead down",
)
async def stand_down(org_id: Id, user_id: Id, actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.stand_down(services, actor, org_id, user_id)
    return Response(status_code=204)


@router.get(
    "/safeguarding/pupils/{user_id}/reports",
    response_model=ReportPage,
    summary="A safeguarding lead: the reports about a pupil of their school, across courses, newest first",
)
async def pupil_history(
    user_id: Id,
    actor: MessagingActor,
    services: ServicesDep,
    before: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> ReportPage:
    async with services.db.read() as conn:
        require(
            may_read_pupil_history(
                leads_a_school_of_pupil=await queries.leads_school_of_pupil(conn, actor.id, user_id)
            )
        )
        rows = await moderation_queries.inbox(
            conn, actor.id, None, before, limit, involving=queries.involving_pupil(user_id)
        )
        shown = await moderation_queries.reports_to_wire(conn, rows, actor.id)
    return ReportPage(
        reports=[ReportOut(**report) for report in shown],
        next_before=rows[-1].id if len(rows) == limit else None,
        safeguarding_lead=True,
    )
