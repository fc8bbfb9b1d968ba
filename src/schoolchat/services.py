"""What every action needs from the running service: settings, the database and the event bus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from schoolchat.appstate import state_of
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.realtime.bus import Bus


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    bus: Bus

    def __post_init__(self) -> None:
        # The wiring of the event log: every write transaction carries where its events go.
        self.db.publish_events_with(self.bus.publish)


def services_of(request: Request) -> Services:
    return state_of(request, "services", Services)


async def get_services(request: Request) -> Services:
    """The dependency. Asynchronous although it never waits: FastAPI runs a plain ``def`` in a worker thread."""
    return services_of(request)


ServicesDep = Annotated[Services, Depends(get_services)]
