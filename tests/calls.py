"""Short helpers for the API calls most tests make."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tests.factories import Person


async def start(
    client: httpx.AsyncClient,
    who: Person,
    *,
    people: Sequence[int] = (),
    courses: Sequence[int] = (),
    projects: Sequence[int] = (),
    mode: str | None = None,
    body: str | None = None,
    cmid: str | None = None,
    name: str | None = None,
) -> httpx.Response:
    payload: dict[str, Any] = {
        "recipients": {"people": list(people), "courses": list(courses), "projects": list(projects)}
    }
    if mode is not None:
        payload["mode"] = mode
    if name is not None:
        payload["name"] = name
    if body is not None:
        payload["message"] = {"body": body, "client_message_id": cmid}
    return await client.post("/api/conversations", json=payload, headers=who.headers)


async def started(client: httpx.AsyncClient, who: Person, **kwargs: Any) -> dict[str, Any]:
    answer = await start(client, who, **kwargs)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


async def send(
    client: httpx.AsyncClient, who: Person, conversation_id: int, body: str, cmid: str | None = None
) -> httpx.Response:
    return await client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"body": body, "client_message_id": cmid},
        headers=who.headers,
    )


async def sent(
    client: httpx.AsyncClient, who: Person, conversation_id: int, body: str, cmid: str | None = None
) -> dict[str, Any]:
    answer = await send(client, who, conversation_id, body, cmid)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["message"]


async def conversation_list(client: httpx.AsyncClient, who: Person) -> list[dict[str, Any]]:
    answer = await client.get("/api/conversations", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["conversations"]


async def history(
    client: httpx.AsyncClient, who: Person, conversation_id: int, **params: Any
) -> dict[str, Any]:
    answer = await client.get(
        f"/api/conversations/{conversation_id}/messages", params=params, headers=who.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def badge(client: httpx.AsyncClient, who: Person) -> int:
    answer = await client.get("/api/unread", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["total"]


def error_of(answer: httpx.Response) -> dict[str, Any]:
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]
