"""Routes for mass messages: what New message offers a privileged admin, sending, and following delivery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from schoolchat.appstate import state_of
from schoolchat.auth.deps import MessagingActor
from schoolchat.inputs import Id
from schoolchat.kinds import SchoolRole
from schoolchat.massmessages import actions, queries
from schoolchat.massmessages.schemas import MassMessageIn, MassMessageJobOut, MassTargetOut, MassTargetsOut
from schoolchat.massmessages.worker import MassMessageWorker
from schoolchat.people.queries import administered_orgs
from schoolchat.policy.decision import require
from schoolchat.policy.massmessaging import may_send_mass
from schoolchat.ratelimit.deps import per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import ServicesDep
from schoolchat.statuses import new_or_not, nothing_new

router = APIRouter(prefix="/api/mass-messages", tags=["mass messages"])


@router.get(
    "/targets",
    response_model=MassTargetsOut,
    summary="For New message: the orgs and roles a privileged admin may send a mass message to",
)
async def targets(actor: MessagingActor, services: ServicesDep) -> MassTargetsOut:
    require(may_send_mass(actor.mass_messaging, actor.roles, []))
    async with services.db.read() as conn:
        rows = await administered_orgs(conn, actor.roles)
    return MassTargetsOut(
        orgs=[MassTargetOut(id=r.id, name=r.name, kind=r.kind, parent_id=r.parent_id) for r in rows],
        roles=list(SchoolRole),
    )


@router.post(
    "",
    response_model=MassMessageJobOut,
    status_code=202,
    responses=nothing_new(MassMessageJobOut),
    dependencies=[per_person(Rule.SENDS)],
    summary="Send a one-way mass message; delivery continues in the background (follow the job)",
)
async def send(
    body: MassMessageIn, request: Request, response: Response, actor: MessagingActor, services: ServicesDep
) -> MassMessageJobOut:
    accepted = await actions.accept(
        services,
        actor,
        org_ids=body.org_ids,
        roles=body.roles,
        body=body.body,
        client_message_id=body.client_message_id,
        urgent=body.urgent,
    )
    state_of(request, "mass_messages", MassMessageWorker).nudge()
    out = MassMessageJobOut.of(accepted.job, duplicate=accepted.duplicate)
    response.headers["Location"] = f"/api/mass-messages/{out.id}"
    new_or_not(response, not accepted.duplicate, 202)
    return out


@router.get("", response_model=list[MassMessageJobOut], summary="The caller's mass messages, newest first")
async def list_jobs(
    actor: MessagingActor, services: ServicesDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[MassMessageJobOut]:
    async with services.db.read() as conn:
        return [MassMessageJobOut.of(job) for job in await queries.jobs_of(conn, actor.id, limit)]


@router.get(
    "/{job_id}",
    response_model=MassMessageJobOut,
    summary="Delivery progress and the receipt: delivered, and skipped because messaging is disabled",
)
async def get_job(job_id: Id, actor: MessagingActor, services: ServicesDep) -> MassMessageJobOut:
    async with services.db.read() as conn:
        return MassMessageJobOut.of(await queries.job_of(conn, actor.id, job_id))
