"""One time format on the wire: UTC with a ``Z``, whether a time comes from a response model or a built payload."""

from __future__ import annotations

import re

import httpx

from tests.calls import conversation_list, history, sent, started
from tests.factories import Factory

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")


async def test_every_time_a_client_sees_is_utc_with_a_z(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person("Emma Hansen"), await make.person("Noah Olsen")
    conversation_id = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    message = await sent(client, emma, conversation_id, "Hello!")
    await client.patch(f"/api/messages/{message['id']}", json={"body": "Hello again!"}, headers=emma.headers)
    seen = (await history(client, noah, conversation_id))["messages"][0]
    listed = next(c for c in await conversation_list(client, noah) if c["id"] == conversation_id)
    events = (await client.get("/api/events", params={"after": 0}, headers=noah.headers)).json()["events"]
    times = [
        message["created_at"],
        seen["created_at"],
        seen["edited_at"],
        listed["last_activity_at"],
        *(event["created_at"] for event in events),
        *(event["payload"]["message"]["created_at"] for event in events if "message" in event["payload"]),
    ]
    assert times and all(UTC_TIME.match(time) for time in times), times
