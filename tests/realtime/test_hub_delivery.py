"""What the hub pushes, to whom, and what a reconnecting client gets back."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import websockets

from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.realtime.retention import prune
from tests.factories import Factory
from tests.realtime.conftest import Send, StartGroup
from tests.realtime.harness import LiveServer, RawHubClient


async def test_members_receive_a_message_sent_over_rest_and_a_non_member_does_not(
    server: LiveServer, make: Factory, send: Send, start_group: StartGroup
) -> None:
    ada, ben, cy, dee = await make.people(4)
    ben_hub = await RawHubClient.connect(server.hub_url, ben.token)
    dee_hub = await RawHubClient.connect(server.hub_url, dee.token)
    group = await start_group(ada, [ben, cy])
    sent = await send(ada, group, "hello class")

    created = await ben_hub.next_event()
    assert created["type"] == "conversation.created" and created["conversation_id"] == group
    message = await ben_hub.next_event()
    assert message["type"] == "message.created"
    assert message["payload"]["message"]["id"] == sent["id"] and message["id"] > created["id"]

    # dee's first event is the 1:1 that is hers, never the group's.
    own = await start_group(ada, [dee])
    first = await dee_hub.next_event()
    assert first["conversation_id"] == own
    await ben_hub.close()
    await dee_hub.close()


async def test_a_new_messages_event_carries_the_conversations_preview_as_the_list_shows_it(
    server: LiveServer, api: httpx.AsyncClient, make: Factory, send: Send, start_group: StartGroup
) -> None:
    ada, ben = await make.people(2)
    group = await start_group(ada, [ben])
    ben_hub = await RawHubClient.connect(server.hub_url, ben.token)
    await send(ada, group, "Bring   your lab\ncoats tomorrow")

    event = await ben_hub.next_event()
    assert event["type"] == "message.created"
    listed = (await api.get("/api/conversations", headers=ben.headers)).json()["conversations"]
    assert event["payload"]["preview"] == next(c for c in listed if c["id"] == group)["preview"]
    assert event["payload"]["preview"] == {"text": "Bring your lab coats tomorrow", "sender_id": ada.id}
    await ben_hub.close()


async def test_a_participant_who_leaves_stops_receiving_at_once_on_an_open_socket(
    server: LiveServer, api: httpx.AsyncClient, make: Factory, send: Send, start_group: StartGroup
) -> None:
    ada, ben, cy = await make.people(3)
    group = await start_group(ada, [ben, cy])
    cy_hub = await RawHubClient.connect(server.hub_url, cy.token)
    assert (await api.post(f"/api/conversations/{group}/leave", headers=cy.headers)).status_code == 204
    removed = await cy_hub.next_event()
    assert removed["type"] == "participants.removed" and removed["payload"]["user_ids"] == [cy.id]

    await send(ada, group, "after cy left")
    marker = await start_group(ben, [cy])  # something cy may see, sent after the message she may not
    following = await cy_hub.next_event()
    assert following["conversation_id"] == marker
    resync = (await cy_hub.invoke("GetEventsSince", removed["id"]))["result"]
    assert all(event["conversation_id"] != group for event in resync["events"])
    await cy_hub.close()


async def test_get_events_since_returns_exactly_what_was_missed_in_order(
    server: LiveServer, make: Factory, send: Send, start_group: StartGroup
) -> None:
    ada, ben = await make.people(2)
    group = await start_group(ada, [ben])
    hub = await RawHubClient.connect(server.hub_url, ben.token)
    await send(ada, group, "seen live")
    last_seen = (await hub.next_event())["id"]
    await hub.close()

    missed = [(await send(ada, group, f"missed {n}"))["id"] for n in range(5)]
    hub = await RawHubClient.connect(server.hub_url, ben.token)
    reply = await hub.invoke("GetEventsSince", last_seen)
    result = reply["result"]
    assert result["reload"] is False and result["more"] is False
    assert [
        e["payload"]["message"]["id"] for e in result["events"] if e["type"] == "message.created"
    ] == missed
    ids = [e["id"] for e in result["events"]]
    assert ids == sorted(ids) and ids[0] > last_seen and ids[-1] == result["latest_id"]
    await hub.close()


async def test_a_client_behind_the_pruned_log_is_told_to_reload(
    server: LiveServer,
    settings: Settings,
    api: httpx.AsyncClient,
    make: Factory,
    send: Send,
    start_group: StartGroup,
) -> None:
    ada, ben = await make.people(2)
    group = await start_group(ada, [ben])
    for n in range(3):
        await send(ada, group, f"old {n}")
    db = Database(settings.effective_database_url)
    try:
        assert await prune(db, timedelta(0)) > 0
    finally:
        await db.dispose()
    hub = await RawHubClient.connect(server.hub_url, ben.token)
    result = (await hub.invoke("GetEventsSince", 1))["result"]
    assert result["reload"] is True and result["events"] == []
    rest = (await api.get("/api/events", params={"after": 1}, headers=ben.headers)).json()
    assert rest["reload"] is True
    # From the id it was told, the client goes on without a gap.
    sent = await send(ada, group, "new")
    after = (await hub.invoke("GetEventsSince", result["latest_id"]))["result"]
    assert after["reload"] is False
    assert [e["payload"]["message"]["id"] for e in after["events"]] == [sent["id"]]
    await hub.close()


async def test_get_events_since_rejects_a_bad_argument_and_unknown_methods_get_an_error(
    server: LiveServer, make: Factory
) -> None:
    ada = await make.person()
    hub = await RawHubClient.connect(server.hub_url, ada.token)
    assert "error" in await hub.invoke("GetEventsSince", "seven")
    unknown = await hub.invoke("DropTables")
    assert unknown["error"] == "Unknown hub method 'DropTables'."
    await hub.close()


async def test_an_unsupported_protocol_gets_a_handshake_error(server: LiveServer, make: Factory) -> None:
    ada = await make.person()
    hub = await RawHubClient.connect(server.hub_url, ada.token, handshake=False)
    await hub.ws.send('{"protocol":"messagepack","version":1}\x1e')
    assert await hub.next_message() == {"error": "Requested protocol 'messagepack' is not available."}
    with pytest.raises(websockets.ConnectionClosed):
        await hub.next_message()


async def test_the_server_pings_an_idle_connection(server: LiveServer, make: Factory) -> None:
    ada = await make.person()
    hub = await RawHubClient.connect(server.hub_url, ada.token)
    assert await hub.next_message() == {"type": 6}
    await hub.close()


async def test_a_message_over_the_size_limit_closes_the_connection(server: LiveServer, make: Factory) -> None:
    ada = await make.person()
    hub = await RawHubClient.connect(server.hub_url, ada.token)
    limit = server.settings.realtime_max_message_bytes
    await hub.ws.send('{"type":1,"target":"GetEventsSince","arguments":["' + "x" * limit + '"]}\x1e')
    while (message := await hub.next_message())["type"] == 6:
        pass
    assert message == {"type": 7, "error": "The message is too large."}
    with pytest.raises(websockets.ConnectionClosed):
        await hub.next_message()


async def test_a_silent_client_is_closed_after_the_client_timeout(
    hub_settings: Settings, make: Factory
) -> None:
    live = LiveServer(hub_settings.model_copy(update={"realtime_client_timeout_seconds": 0.5}))
    await live.start()
    try:
        ada = await make.person()
        hub = await RawHubClient.connect(live.hub_url, ada.token)
        while (message := await hub.next_message())["type"] == 6:
            pass
        assert message["type"] == 7 and message["allowReconnect"] is True
    finally:
        await live.stop()
