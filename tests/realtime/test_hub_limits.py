"""The hub has rates too: calls per connection and sockets per person. And no call, however malformed, drops
the connection or leaves a traceback: it gets a Completion error."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets

from schoolchat.config import Settings
from tests.factories import Factory
from tests.ratelimit.conftest import refusals
from tests.realtime.harness import RS, LiveServer, RawHubClient, send, start_group


@pytest.fixture
async def tight(hub_settings: Settings) -> AsyncIterator[LiveServer]:
    live = LiveServer(
        hub_settings.model_copy(
            update={"rate_hub_invocations": "5/minute", "rate_hub_connections": "3/minute"}
        )
    )
    await live.start()
    yield live
    await live.stop()


async def _raw_call(client: RawHubClient, invocation_id: str, record: str) -> dict[str, object]:
    await client.ws.send(record + RS)
    while True:
        message = await client.next_message()
        if message.get("type") == 3 and message.get("invocationId") == invocation_id:
            return message


async def test_calls_on_one_socket_past_the_rate_get_a_completion_error_and_the_socket_stays(
    server: LiveServer, api: httpx.AsyncClient, make: Factory
) -> None:
    ada, ben = await make.people(2)
    hub = await RawHubClient.connect(server.hub_url, ben.token)
    for n in range(61):  # the defaults allow 50 calls in 10 seconds
        await hub.ws.send(
            json.dumps({"type": 1, "invocationId": str(n), "target": "GetEventsSince", "arguments": [0]}) + RS
        )
    answers = [await hub.next_message() for _ in range(61)]
    assert [a["invocationId"] for a in answers] == [str(n) for n in range(61)]
    assert all("result" in a for a in answers[:50])
    assert all(str(a["error"]).startswith("Too many requests. Please try again in") for a in answers[50:])
    assert await refusals(api, "hub_invocations") == 11

    group = await start_group(api, ada, [ben])  # the refused connection still gets what happens
    sent = await send(api, ada, group, "still there?")
    while (event := await hub.next_event())["type"] != "message.created":
        pass
    assert event["payload"]["message"]["id"] == sent["id"]
    another = await RawHubClient.connect(server.hub_url, ben.token)  # the budget is the connection's own
    assert "result" in await another.invoke("GetEventsSince", 0)
    await hub.close()
    await another.close()


async def test_a_person_holding_the_most_sockets_is_refused_at_negotiate_and_at_connect(
    server: LiveServer, api: httpx.AsyncClient, make: Factory
) -> None:
    ada, ben = await make.people(2)
    held = [await RawHubClient.connect(server.hub_url, ada.token) for _ in range(20)]  # the default
    for _ in range(2):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await RawHubClient.connect(server.hub_url, ada.token)
        assert refused.value.response.status_code == 429
        assert refused.value.response.headers["Retry-After"]
    negotiate = await api.post("/hubs/messages/negotiate?negotiateVersion=1", headers=ada.headers)
    assert negotiate.status_code == 429
    assert negotiate.json()["error"]["code"] == "too_many_connections"
    assert await refusals(api, "hub_connections") == 3
    other = await RawHubClient.connect(server.hub_url, ben.token)  # someone else is let in
    await held.pop().close()
    held.append(await RawHubClient.connect(server.hub_url, ada.token))  # a socket closed makes room
    for client in [*held, other]:
        await client.close()


async def test_opening_sockets_faster_than_the_rate_is_refused(tight: LiveServer, make: Factory) -> None:
    ada = await make.person()
    for _ in range(3):
        await (await RawHubClient.connect(tight.hub_url, ada.token)).close()
    with pytest.raises(websockets.InvalidStatus) as refused:
        await RawHubClient.connect(tight.hub_url, ada.token)
    assert refused.value.response.status_code == 429
    body = json.loads(refused.value.response.body)
    assert body["error"]["code"] == "rate_limited" and body["error"]["details"]["limit"] == "hub_connections"
    assert int(refused.value.response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize(
    "argument",
    [
        "1e400",
        "-1e400",
        "Infinity",
        "-Infinity",
        "NaN",
        "1.5",
        str(2**70),
        '"12"',
        "true",
        "null",
        "{}",
        "[" * 5000 + "]" * 5000,
    ],
)
async def test_an_invalid_call_gets_a_completion_error_and_the_connection_stays(
    server: LiveServer, make: Factory, argument: str, caplog: pytest.LogCaptureFixture
) -> None:
    ada = await make.person()
    hub = await RawHubClient.connect(server.hub_url, ada.token)
    with caplog.at_level(logging.WARNING):
        answer = await _raw_call(
            hub,
            "bad",
            f'{{"type":1,"invocationId":"bad","target":"GetEventsSince","arguments":[{argument}]}}',
        )
        assert answer.get("error") and "result" not in answer
        assert "result" in await hub.invoke("GetEventsSince", 0)  # the same connection answers the next call
    assert not [record for record in caplog.records if record.exc_info], caplog.text
    await hub.close()


async def test_arguments_nested_too_deeply_are_refused_by_name(server: LiveServer, make: Factory) -> None:
    ada = await make.person()
    hub = await RawHubClient.connect(server.hub_url, ada.token)
    deep = "[" * 5000 + "0" + "]" * 5000
    answer = await _raw_call(
        hub, "7", f'{{"type":1,"invocationId":"7","target":"GetEventsSince","arguments":[{deep}]}}'
    )
    assert answer["error"] == "The arguments are nested too deeply."
    await hub.close()
