"""Routes: erase a person (GDPR Art. 17) and follow the erasure; export a person's data (Art. 15 and 20)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from schoolchat.attachments import actions as attachment_actions
from schoolchat.auth.deps import CurrentActor
from schoolchat.db.types import utcnow
from schoolchat.inputs import Id
from schoolchat.moderation.schemas import Confirmed
from schoolchat.privacy import actions, export, exports
from schoolchat.privacy.schemas import ErasureOut, ExportIn, ExportOut
from schoolchat.ratelimit.deps import per_account
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api", tags=["privacy"])
# Exports and erasures asked for, and retention changed, dry-run and started: one rate (``privacy_requests``), counted
# also for people whose messaging is disabled.
PRIVACY_RATE = per_account(Rule.PRIVACY_REQUESTS)
_SCHEMA: dict[str, Any] = json.loads(export.SCHEMA_PATH.read_text())


@router.post(
    "/admin/users/{user_id}/erasure",
    response_model=ErasureOut,
    status_code=202,
    dependencies=[PRIVACY_RATE],
    summary="Erase a person (send confirm: true): messages and files everywhere, name, sign-in",
)
async def erase_person(
    user_id: Id, body: Confirmed, actor: CurrentActor, services: ServicesDep
) -> ErasureOut:
    return ErasureOut(
        **await actions.erase_person(services, actor, user_id, confirmed=body.confirm, reason=body.reason)
    )


@router.get(
    "/admin/users/{user_id}/erasure", response_model=ErasureOut, summary="A person's erasure and its progress"
)
async def erasure_status(user_id: Id, actor: CurrentActor, services: ServicesDep) -> ErasureOut:
    return ErasureOut(**await actions.erasure_status(services, actor, user_id))


@router.get("/privacy/export-schema.json", summary="The JSON Schema of export.json in a data export")
async def export_schema() -> dict[str, Any]:
    return _SCHEMA


@router.post(
    "/privacy/exports",
    response_model=ExportOut,
    status_code=202,
    dependencies=[PRIVACY_RATE],
    summary="Export a person's data (yourself, or someone you administer); built in the background",
)
async def start_export(body: ExportIn, actor: CurrentActor, services: ServicesDep) -> ExportOut:
    return ExportOut(
        **await exports.start(services, actor, actor.id if body.user_id is None else body.user_id)
    )


@router.get("/privacy/exports/{export_id}", response_model=ExportOut, summary="An export's progress")
async def export_status(export_id: Id, actor: CurrentActor, services: ServicesDep) -> ExportOut:
    return ExportOut(**exports.to_wire(await exports.get(services, actor, export_id)))


@router.get(
    "/privacy/exports/{export_id}/download",
    response_class=StreamingResponse,
    summary="Download a finished export (a zip) until its link expires",
    responses={
        200: {"content": {"application/zip": {}}},
        409: {"description": "The export is not finished yet (`export_not_ready`)."},
        410: {"description": "The download link has expired (`export_expired`): start a new export."},
    },
)
async def download_export(export_id: Id, actor: CurrentActor, services: ServicesDep) -> StreamingResponse:
    row = await exports.get(services, actor, export_id)
    exports.require_downloadable(row, utcnow())
    return StreamingResponse(
        attachment_actions.storage(services).read(row.storage_key),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="schoolchat-export-{row.user_id}.zip"',
            "Content-Length": str(row.size),
            "Cache-Control": "private, no-store",
        },
    )
