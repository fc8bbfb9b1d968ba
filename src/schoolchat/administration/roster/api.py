"""Admin routes for rosters without a shell: upload a OneRoster CSV zip, follow its import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from schoolchat.administration.roster import queries
from schoolchat.administration.roster.runner import RosterImports
from schoolchat.administration.roster.schemas import RosterJobOut
from schoolchat.appstate import state_of
from schoolchat.attachments.multipart import MULTIPART_OVERHEAD, FileStream
from schoolchat.auth.deps import CurrentActor
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.inputs import Id
from schoolchat.people import queries as people_queries
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api/admin", tags=["administration"])

_ZIP_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(
        413,
        "file_too_large",
        text("people.roster_too_large", megabytes=max_bytes // (1024 * 1024)),
        {"max_bytes": max_bytes},
    )


@router.post(
    "/orgs/{org_id}/roster-imports",
    response_model=RosterJobOut,
    status_code=202,
    openapi_extra=_ZIP_BODY,
    summary="Upload a OneRoster 1.1 CSV zip (field 'file'); it is imported in the background",
)
async def upload(org_id: Id, request: Request, actor: CurrentActor, services: ServicesDep) -> JSONResponse:
    async with services.db.read() as conn:
        await people_queries.require_administered(conn, actor.roles, org_id)
    limit = services.settings.roster_max_upload_bytes
    stream = FileStream(request, limit + MULTIPART_OVERHEAD, _too_large(limit))
    await stream.open()
    job = await state_of(request, "roster_imports", RosterImports).upload(
        org_id, actor.id, stream.filename, stream.chunks()
    )
    out = RosterJobOut.of(job)
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/admin/roster-imports/{job.id}"},
    )


@router.get(
    "/orgs/{org_id}/roster-imports",
    response_model=list[RosterJobOut],
    summary="The org's roster uploads, newest first",
)
async def list_imports(
    org_id: Id, actor: CurrentActor, services: ServicesDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[RosterJobOut]:
    async with services.db.read() as conn:
        await people_queries.require_administered(conn, actor.roles, org_id)
        return [RosterJobOut.of(job) for job in await queries.jobs_of_org(conn, org_id, limit)]


@router.get(
    "/roster-imports/{job_id}",
    response_model=RosterJobOut,
    summary="A roster import's progress (rows validated, written) and its error report",
)
async def get_import(job_id: Id, actor: CurrentActor, services: ServicesDep) -> RosterJobOut:
    async with services.db.read() as conn:
        return RosterJobOut.of(await queries.job_of(conn, actor.roles, job_id))
