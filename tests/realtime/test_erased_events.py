"""The hub's resync replays messages as they are now: no deleted, moderated or superseded text (issue 11)."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.factories import Factory
from tests.realtime.conftest import Send, StartGroup
from tests.realtime.harness import LiveServer, RawHubClient

OLD = "Meet at the zebra crossing at midnight"


@pytest.mark.parametrize("how", ["deleted_by_sender", "deleted_by_moderator", "edited"])
async def test_the_hubs_resync_replays_no_removed_text(
    server: LiveServer, api: httpx.AsyncClient, make: Factory, send: Send, start_group: StartGroup, how: str
) -> None:
    teacher = await make.person(role="teacher")
    ada, ben = await make.people(2)
    group = await start_group(ada, [ben, teacher])
    message = await send(ada, group, OLD)
    if how == "deleted_by_sender":
        answer = await api.delete(f"/api/messages/{message['id']}", headers=ada.headers)
    elif how == "deleted_by_moderator":
        answer = await api.post(
            f"/api/messages/{message['id']}/moderate", json={"confirm": True}, headers=teacher.headers
        )
    else:
        answer = await api.patch(
            f"/api/messages/{message['id']}", json={"body": "Lunch is at noon"}, headers=ada.headers
        )
    assert answer.status_code == 200, answer.text

    hub = await RawHubClient.connect(server.hub_url, ben.token)
    reply = await hub.invoke("GetEventsSince", 0)
    await hub.close()
    replayed = reply["result"]["events"]
    assert "zebra" not in json.dumps(replayed)
    assert [e["type"] for e in replayed if e["payload"].get("message", {}).get("id") == message["id"]] == [
        "message.created",
        "message.edited" if how == "edited" else "message.deleted",
    ]
