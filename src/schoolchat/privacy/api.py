"""Routes: erase a person (GDPR Art. 17) and follow the erasure."""

from __future__ import annotations

from fastapi import APIRouter

from schoolchat.auth.deps import CurrentActor
from schoolchat.moderation.schemas import Confirmed
from schoolchat.privacy import actions
from schoolchat.privacy.schemas import ErasureOut
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api/admin", tags=["administration"])


@router.post("/users/{user_id}/erasure", response_model=ErasureOut, status_code=202,
             summary="Erase a person (send confirm: true): messages and files everywhere, name, sign-in")
async def erase_person(user_id: int, body: Confirmed, actor: CurrentActor, services: ServicesDep) -> ErasureOut:
    return ErasureOut(**await actions.erase_person(services, actor, user_id, confirmed=body.confirm,
                                                   reason=body.reason))


@router.get("/users/{user_id}/erasure", response_model=ErasureOut, summary="A person's erasure and its progress")
async def erasure_status(user_id: int, actor: CurrentActor, services: ServicesDep) -> ErasureOut:
    return ErasureOut(**await actions.erasure_status(services, actor, user_id))
