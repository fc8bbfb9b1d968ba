"""Routes: an org's retention periods, the dry run, and runs (for admins of the org; 404 for everyone else)."""

from __future__ import annotations

from fastapi import APIRouter

from schoolchat.auth.deps import CurrentActor
from schoolchat.errors import ApiError
from schoolchat.inputs import Id
from schoolchat.moderation.schemas import Confirmed
from schoolchat.privacy import retention, texts
from schoolchat.privacy.api import PRIVACY_RATE
from schoolchat.privacy.schemas import (
    RetentionCounts,
    RetentionRunOut,
    RetentionSettingOut,
    RetentionSettingsIn,
)
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api/admin/orgs/{org_id}/retention", tags=["privacy"])


@router.get(
    "",
    response_model=list[RetentionSettingOut],
    summary="The retention period in force for each kind, and where it comes from",
)
async def get_settings(org_id: Id, actor: CurrentActor, services: ServicesDep) -> list[RetentionSettingOut]:
    return [RetentionSettingOut(**row) for row in await retention.settings_of(services, actor, org_id)]


@router.put(
    "",
    response_model=list[RetentionSettingOut],
    dependencies=[PRIVACY_RATE],
    summary="Set an org's own retention periods (kinds left out follow the org above it)",
)
async def put_settings(
    org_id: Id, body: RetentionSettingsIn, actor: CurrentActor, services: ServicesDep
) -> list[RetentionSettingOut]:
    kinds = [setting.kind for setting in body.settings]
    if len(set(kinds)) != len(kinds):
        raise ApiError(422, "duplicate_setting", texts.duplicate_retention_kind(), {"field": "settings"})
    await retention.set_settings(
        services, actor, org_id, [(setting.kind, setting.days) for setting in body.settings]
    )
    return await get_settings(org_id, actor, services)


@router.post(
    "/dry-run",
    response_model=RetentionCounts,
    dependencies=[PRIVACY_RATE],
    summary="What a run over the org (and all below it) would remove now, per conversation kind",
)
async def dry_run(org_id: Id, actor: CurrentActor, services: ServicesDep) -> RetentionCounts:
    return RetentionCounts(**await retention.dry_run(services, actor, org_id))


@router.post(
    "/runs",
    response_model=RetentionRunOut,
    status_code=202,
    dependencies=[PRIVACY_RATE],
    summary="Remove what the retention periods no longer keep (send confirm: true); runs in the background",
)
async def start_run(
    org_id: Id, body: Confirmed, actor: CurrentActor, services: ServicesDep
) -> RetentionRunOut:
    return RetentionRunOut(
        **await retention.start_run(services, actor, org_id, confirmed=body.confirm, reason=body.reason)
    )


@router.get("/runs/{run_id}", response_model=RetentionRunOut, summary="A retention run and its progress")
async def run_status(org_id: Id, run_id: Id, actor: CurrentActor, services: ServicesDep) -> RetentionRunOut:
    return RetentionRunOut(**await retention.run_of(services, actor, org_id, run_id))
