"""Reading the event log over REST: what a client missed since the last event id it saw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from schoolchat.auth.deps import MessagingActor
from schoolchat.inputs import Cursor
from schoolchat.realtime import log
from schoolchat.realtime.hub import hub_of
from schoolchat.realtime.schemas import EventsPage, events_page
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api/events", tags=["events"])


@router.get(
    "",
    response_model=EventsPage,
    response_model_exclude_unset=True,
    summary="Events after a given id that the caller may see, in order, or a request to reload",
)
async def list_events(
    request: Request,
    actor: MessagingActor,
    services: ServicesDep,
    after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> EventsPage:
    async with services.db.read() as conn:
        found = await log.resync(conn, hub_of(request).membership, actor.id, after, limit)
    return events_page(found)
