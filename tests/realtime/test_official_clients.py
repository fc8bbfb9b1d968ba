"""The official JavaScript client (under Node) and a Python client from PyPI, against a real server:
every kind of event arrives live, and nothing is lost across a server restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.factories import Factory
from tests.realtime.clients import HubClient, NodeClient, PythonClient, wait_until
from tests.realtime.conftest import Send, StartGroup
from tests.realtime.harness import LiveServer

StartClient = Callable[[str, str], Awaitable[HubClient]]
CLIENTS = [pytest.param(NodeClient.start, id="official-js"), pytest.param(PythonClient.start, id="pysignalr")]


def message_ids(events: list[dict[str, Any]]) -> list[int]:
    return [e["payload"]["message"]["id"] for e in events if e["type"] == "message.created"]


def kinds(events: list[dict[str, Any]]) -> set[str]:
    return {e["type"] for e in events}


@pytest.mark.parametrize("start_client", CLIENTS)
async def test_every_kind_of_event_arrives_live(
    start_client: StartClient,
    server: LiveServer,
    api: httpx.AsyncClient,
    make: Factory,
    send: Send,
    start_group: StartGroup,
) -> None:
    ada, ben, cy, dee = await make.people(4)
    client = await start_client(server.hub_url, ben.token)
    try:
        group = await start_group(ada, [ben, dee])
        message = await send(ada, group, "first")
        own = await send(ben, group, "mine")
        as_ada, as_ben = ada.headers, ben.headers
        steps = [
            ("PATCH", f"/api/messages/{own['id']}", {"body": "mine, edited"}, as_ben),
            ("DELETE", f"/api/messages/{own['id']}", None, as_ben),
            ("PATCH", f"/api/conversations/{group}", {"name": "Renamed"}, as_ada),
            ("POST", f"/api/conversations/{group}/participants", {"user_ids": [cy.id]}, as_ada),
            ("POST", f"/api/conversations/{group}/leave", None, cy.headers),
            ("POST", f"/api/messages/{message['id']}/unread", None, as_ben),
            ("POST", f"/api/conversations/{group}/close", None, as_ada),
            ("POST", f"/api/conversations/{group}/reopen", None, as_ada),
        ]
        for method, path, body, headers in steps:
            response = await api.request(method, path, json=body, headers=headers)
            assert response.status_code < 300, response.text
        expected = {
            "conversation.created",
            "message.created",
            "message.edited",
            "message.deleted",
            "conversation.updated",
            "participants.added",
            "participants.removed",
            "unread.changed",
            "conversation.closed",
            "conversation.reopened",
        }
        await wait_until(client, lambda events: expected <= kinds(events))
        ids = [e["id"] for e in client.events]
        assert ids == sorted(ids) and len(ids) == len(set(ids))
    finally:
        await client.stop()


@pytest.mark.parametrize("start_client", CLIENTS)
async def test_nothing_is_lost_across_a_server_restart(
    start_client: StartClient,
    server: LiveServer,
    client: httpx.AsyncClient,
    make: Factory,
    send: Send,
    start_group: StartGroup,
) -> None:
    """Messages sent while the hub is down (through another instance of the app) arrive by resync, in order."""
    ada, ben, cy = await make.people(3)
    group = await start_group(ada, [ben, cy])
    hub_client = await start_client(server.hub_url, ben.token)
    try:
        before = await send(ada, group, "before the restart")
        await wait_until(hub_client, lambda events: before["id"] in message_ids(events))

        await server.stop()
        missed = []
        for n in range(3):
            response = await client.post(
                f"/api/conversations/{group}/messages", json={"body": f"missed {n}"}, headers=ada.headers
            )
            assert response.status_code == 201, response.text
            missed.append(response.json()["message"]["id"])
        await server.start()

        await wait_until(hub_client, lambda events: missed[-1] in message_ids(events))
        after = await send(ada, group, "after the restart")
        await wait_until(hub_client, lambda events: after["id"] in message_ids(events))
        assert message_ids(hub_client.events) == [before["id"], *missed, after["id"]]
    finally:
        await hub_client.stop()
