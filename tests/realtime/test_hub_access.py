"""Who may open the hub: negotiate and the WebSocket upgrade check credentials, the Origin and the connection id."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import websockets
from sqlalchemy import select

from schoolchat.administration.roster.apply import import_roster
from schoolchat.auth.actions import insert_token
from schoolchat.people.models import users
from tests.factories import Factory
from tests.realtime.harness import LiveServer, RawHubClient

SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "samples" / "oneroster"


async def test_negotiate_version_1_hands_out_a_connection_token_and_id(
    api: httpx.AsyncClient, make: Factory
) -> None:
    ada = await make.person()
    response = await api.post("/hubs/messages/negotiate?negotiateVersion=1", headers=ada.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["negotiateVersion"] == 1
    assert body["connectionToken"].startswith(body["connectionId"] + ".")
    assert body["availableTransports"] == [{"transport": "WebSockets", "transferFormats": ["Text"]}]


async def test_negotiate_without_a_version_answers_version_0(api: httpx.AsyncClient, make: Factory) -> None:
    ada = await make.person()
    body = (await api.post("/hubs/messages/negotiate", headers=ada.headers)).json()
    assert body["negotiateVersion"] == 0
    assert "connectionToken" not in body and body["connectionId"]


async def test_negotiate_asks_for_credentials(api: httpx.AsyncClient) -> None:
    response = await api.post("/hubs/messages/negotiate?negotiateVersion=1")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


async def test_negotiate_refuses_a_foreign_origin(api: httpx.AsyncClient, make: Factory) -> None:
    ada = await make.person()
    response = await api.post(
        "/hubs/messages/negotiate?negotiateVersion=1",
        headers={**ada.headers, "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "foreign_origin"


async def test_socket_without_credentials_is_refused(server: LiveServer) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        await RawHubClient.connect(server.hub_url)
    assert refused.value.response.status_code == 401


async def test_socket_with_a_wrong_token_is_refused(server: LiveServer) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        await RawHubClient.connect(server.hub_url, "not-a-token")
    assert refused.value.response.status_code == 401


async def test_socket_from_a_foreign_origin_is_refused_even_with_a_valid_session(
    server: LiveServer, api: httpx.AsyncClient, make: Factory
) -> None:
    ada = await make.person()
    login = await api.post(
        "/api/auth/login", json={"username": ada.username, "password": "correct horse battery"}
    )
    cookie = login.cookies["schoolchat_session"]
    url = server.hub_url.replace("http://", "ws://")
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            url,
            additional_headers={"Origin": "https://evil.example", "Cookie": f"schoolchat_session={cookie}"},
        )
    assert refused.value.response.status_code == 403
    same_site = await websockets.connect(
        url, additional_headers={"Origin": server.url, "Cookie": f"schoolchat_session={cookie}"}
    )
    await same_site.close()


async def test_origins_on_the_allowlist_may_connect(hub_settings, make: Factory) -> None:  # type: ignore[no-untyped-def]
    live = LiveServer(hub_settings.model_copy(update={"allowed_origins": ["https://lms.example"]}))
    await live.start()
    try:
        ada = await make.person()
        client = await RawHubClient.connect(live.hub_url, ada.token, origin="https://lms.example")
        await client.close()
        with pytest.raises(websockets.InvalidStatus):
            await RawHubClient.connect(live.hub_url, ada.token, origin="https://other.example")
    finally:
        await live.stop()


async def test_a_forged_connection_id_is_not_found(server: LiveServer, make: Factory) -> None:
    ada = await make.person()
    url = server.hub_url.replace("http://", "ws://") + f"?id=abc.forged&access_token={ada.token}"
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url)
    assert refused.value.response.status_code == 404


async def test_a_negotiated_connection_token_is_accepted(
    server: LiveServer, api: httpx.AsyncClient, make: Factory
) -> None:
    ada = await make.person()
    token = (await api.post("/hubs/messages/negotiate?negotiateVersion=1", headers=ada.headers)).json()
    url = (
        server.hub_url.replace("http://", "ws://")
        + f"?id={token['connectionToken']}&access_token={ada.token}"
    )
    client = RawHubClient(await websockets.connect(url))
    await client.ws.send('{"protocol":"json","version":1}\x1e')
    assert await client.next_message() == {}
    await client.close()


async def test_logout_closes_the_sockets_of_that_credential_only(
    server: LiveServer, api: httpx.AsyncClient, make: Factory
) -> None:
    ada = await make.person()
    other = (
        await api.post(
            "/api/auth/tokens", json={"username": ada.username, "password": "correct horse battery"}
        )
    ).json()["access_token"]
    leaving = await RawHubClient.connect(server.hub_url, ada.token)
    staying = await RawHubClient.connect(server.hub_url, other)
    assert (await api.post("/api/auth/logout", headers=ada.headers)).status_code == 204
    while (message := await leaving.next_message())["type"] != 7:
        pass
    assert message == {"type": 7, "error": "Your session has ended. Please log in again."}
    with pytest.raises(websockets.ConnectionClosed):
        await leaving.next_message()
    assert (await staying.invoke("GetEventsSince", 0))["result"]["reload"] is False
    await staying.close()


async def test_a_socket_is_closed_when_its_credential_expires(server: LiveServer, make: Factory) -> None:
    ada = await make.person()
    async with make.services.db.write() as tx:
        short = await insert_token(
            tx, make.services.settings.secret_key, ada.id, kind="bearer", lifetime=timedelta(seconds=1)
        )
    hub = await RawHubClient.connect(server.hub_url, short.token)
    while (message := await hub.next_message())["type"] != 7:
        pass
    assert message == {"type": 7, "error": "Your session has ended. Please log in again."}


async def test_an_erased_person_loses_their_sessions_and_open_sockets(
    server: LiveServer, api: httpx.AsyncClient, make: Factory
) -> None:
    admin, pupil = await make.person("Ada Admin", "admin"), await make.person("Emma Hansen")
    hub = await RawHubClient.connect(server.hub_url, pupil.token)
    erased = await api.post(
        f"/api/admin/users/{pupil.id}/erasure", json={"confirm": True}, headers=admin.headers
    )
    assert erased.status_code == 202, erased.text
    while (message := await hub.next_message())["type"] != 7:
        pass
    assert message == {"type": 7, "error": "Your session has ended. Please log in again."}
    with pytest.raises(websockets.ConnectionClosed):
        await hub.next_message()
    assert (await api.get("/api/me", headers=pupil.headers)).status_code == 401


async def test_a_person_the_roster_import_deactivates_loses_their_sessions_and_open_sockets(
    server: LiveServer, api: httpx.AsyncClient, make: Factory, tmp_path: Path
) -> None:
    """The import runs as the command line does: in another process's place, on a bus the server does not hear."""
    roster = tmp_path / "roster"
    shutil.copytree(SAMPLE_ROSTER, roster)
    assert (await import_roster(make.services, roster)).ok
    async with make.services.db.read() as conn:
        maja = (await conn.execute(select(users.c.id).where(users.c.username == "maja.holm"))).scalar_one()
    async with make.services.db.write() as tx:
        issued = await insert_token(
            tx, make.services.settings.secret_key, maja, kind="bearer", lifetime=timedelta(days=1)
        )
    bearer = {"Authorization": f"Bearer {issued.token}"}
    assert (await api.get("/api/me", headers=bearer)).status_code == 200
    hub = await RawHubClient.connect(server.hub_url, issued.token)
    users_csv = roster / "users.csv"
    users_csv.write_text(users_csv.read_text().replace("u-student-3,,", "u-student-3,tobedeleted,"))
    assert (await import_roster(make.services, roster)).deactivated["users"] == 1
    while (message := await hub.next_message())["type"] != 7:
        pass
    assert message == {"type": 7, "error": "Your session has ended. Please log in again."}
    with pytest.raises(websockets.ConnectionClosed):
        await hub.next_message()
    async with asyncio.timeout(
        10
    ):  # the server's actor cache forgets another process's change within its TTL
        while (await api.get("/api/me", headers=bearer)).status_code != 401:
            await asyncio.sleep(0.2)
