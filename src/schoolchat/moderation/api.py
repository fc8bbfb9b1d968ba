"""Routes for moderator deletes, participant removal, conversation deletion, reports and the audit log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from schoolchat.attachments import queries as attachment_queries
from schoolchat.attachments.api import file_response
from schoolchat.auth.deps import CurrentActor, MessagingActor
from schoolchat.inputs import Id, Timestamp
from schoolchat.messages.schemas import MessageOut
from schoolchat.moderation import actions, queries
from schoolchat.moderation.schemas import (
    AuditEntry,
    AuditPage,
    Confirmed,
    EscalateIn,
    ReportCreated,
    ReportIn,
    ReportOut,
    ReportPage,
    ReviewIn,
)
from schoolchat.people.queries import administered_orgs
from schoolchat.policy.admin import may_use_admin_tools
from schoolchat.policy.decision import require
from schoolchat.ratelimit.deps import per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.safeguarding import queries as safeguarding_queries
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api", tags=["moderation"])


@router.post(
    "/messages/{message_id}/moderate",
    response_model=MessageOut,
    summary="§5.5: a teacher or admin deletes a message for everyone (send confirm: true)",
)
async def moderator_delete(
    message_id: Id, body: Confirmed, actor: MessagingActor, services: ServicesDep
) -> MessageOut:
    return await actions.moderator_delete(
        services, actor, message_id, confirmed=body.confirm, reason=body.reason
    )


@router.delete(
    "/conversations/{conversation_id}/participants/{user_id}",
    status_code=204,
    summary="§5.6: a teacher or admin removes a participant from a group conversation",
)
async def remove_participant(
    conversation_id: Id,
    user_id: Id,
    actor: MessagingActor,
    services: ServicesDep,
    reason: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    await actions.remove_participant(services, actor, conversation_id, user_id, reason)
    return Response(status_code=204)


@router.post(
    "/conversations/{conversation_id}/delete",
    status_code=204,
    summary="§5.7: delete a course or project conversation (send confirm: true)",
)
async def delete_conversation(
    conversation_id: Id, body: Confirmed, actor: MessagingActor, services: ServicesDep
) -> Response:
    await actions.delete_conversation(
        services, actor, conversation_id, confirmed=body.confirm, reason=body.reason
    )
    return Response(status_code=204)


@router.post(
    "/messages/{message_id}/report",
    response_model=ReportCreated,
    status_code=201,
    dependencies=[per_person(Rule.REPORTS)],
    summary="§4.3: report abuse in a message from someone else",
)
async def report_message(
    message_id: Id, body: ReportIn, actor: MessagingActor, services: ServicesDep
) -> ReportCreated:
    return ReportCreated(
        report_id=await actions.report_message(services, actor, message_id, body.reason, body.category)
    )


@router.post(
    "/conversations/{conversation_id}/report",
    response_model=ReportCreated,
    status_code=201,
    dependencies=[per_person(Rule.REPORTS)],
    summary="§4.2: report abuse in a group conversation",
)
async def report_conversation(
    conversation_id: Id, body: ReportIn, actor: MessagingActor, services: ServicesDep
) -> ReportCreated:
    return ReportCreated(
        report_id=await actions.report_conversation(
            services, actor, conversation_id, body.reason, body.category
        )
    )


@router.get("/reports", response_model=ReportPage, summary="The caller's report inbox, newest first")
async def report_inbox(
    actor: MessagingActor,
    services: ServicesDep,
    status: Literal["open", "escalated", "reviewed", "dismissed"] | None = None,
    before: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> ReportPage:
    async with services.db.read() as conn:
        rows = await queries.inbox(conn, actor.id, status, before, limit)
        shown = await queries.reports_to_wire(conn, rows, actor.id)
        lead = await safeguarding_queries.is_lead(conn, actor.id)
    return ReportPage(
        reports=[ReportOut(**report) for report in shown],
        next_before=rows[-1].id if len(rows) == limit else None,
        safeguarding_lead=lead,
    )


@router.get("/reports/{report_id}", response_model=ReportOut)
async def get_report(report_id: Id, actor: MessagingActor, services: ServicesDep) -> ReportOut:
    async with services.db.read() as conn:
        row = await queries.get_for_reviewer(conn, actor.id, report_id)
        return ReportOut(**(await queries.reports_to_wire(conn, [row], actor.id))[0])


@router.get(
    "/reports/{report_id}/attachments/{attachment_id}",
    summary="Download a file of the report's evidence (it stays when its message is deleted)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def evidence_file(
    report_id: Id, attachment_id: Id, actor: MessagingActor, services: ServicesDep
) -> StreamingResponse:
    async with services.db.read() as conn:
        await queries.get_for_reviewer(conn, actor.id, report_id)
        row = await attachment_queries.get_evidence(conn, report_id, attachment_id)
    return file_response(services, row)


@router.post(
    "/reports/{report_id}/open",
    response_model=ReportOut,
    summary="Open a report: join its conversation as a moderator (not a formal participant)",
)
async def open_report(report_id: Id, actor: MessagingActor, services: ServicesDep) -> ReportOut:
    await actions.open_report(services, actor, report_id)
    return await get_report(report_id, actor, services)


@router.post("/reports/{report_id}/review", response_model=ReportOut, summary="Mark reviewed or dismissed")
async def review_report(
    report_id: Id, body: ReviewIn, actor: MessagingActor, services: ServicesDep
) -> ReportOut:
    await actions.review_report(services, actor, report_id, body.status, body.note)
    return await get_report(report_id, actor, services)


@router.post(
    "/reports/{report_id}/escalate",
    response_model=ReportOut,
    dependencies=[per_person(Rule.SAFEGUARDING)],
    summary="The school's safeguarding lead escalates a report, with a note (it stays open)",
)
async def escalate_report(
    report_id: Id, body: EscalateIn, actor: MessagingActor, services: ServicesDep
) -> ReportOut:
    await actions.escalate_report(services, actor, report_id, body.note)
    return await get_report(report_id, actor, services)


@router.post(
    "/reports/{report_id}/restore",
    status_code=204,
    summary="§5.7 note: restore the reported conversation after it was deleted",
)
async def restore_conversation(report_id: Id, actor: MessagingActor, services: ServicesDep) -> Response:
    await actions.restore_conversation(services, actor, report_id)
    return Response(status_code=204)


@router.get(
    "/admin/audit",
    response_model=AuditPage,
    tags=["administration"],
    summary="The audit log of the orgs the caller administers, newest first, filtered",
)
async def audit_log(
    actor: CurrentActor,
    services: ServicesDep,
    actor_id: Id | None = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    object_type: Annotated[str | None, Query(max_length=20)] = None,
    object_id: Id | None = None,
    since: Timestamp | None = None,
    until: Timestamp | None = None,
    before: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    require(may_use_admin_tools(actor.roles))
    async with services.db.read() as conn:
        orgs = [row.id for row in await administered_orgs(conn, actor.roles)]
        rows = await queries.audit_page(
            conn,
            orgs,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            since=since,
            until=until,
            before_id=before,
            limit=limit,
        )
    return AuditPage(
        entries=[AuditEntry(**row._mapping) for row in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )
