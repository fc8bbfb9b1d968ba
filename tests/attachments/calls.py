"""Upload, attach and download through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Person


async def upload(client: httpx.AsyncClient, who: Person, name: str, data: bytes) -> httpx.Response:
    return await client.post(
        "/api/attachments", files={"file": (name, data, "application/octet-stream")}, headers=who.headers
    )


async def uploaded(client: httpx.AsyncClient, who: Person, name: str, data: bytes) -> dict[str, Any]:
    answer = await upload(client, who, name, data)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def send_files(
    client: httpx.AsyncClient,
    who: Person,
    conversation_id: int,
    attachment_ids: list[int],
    body: str = "",
    cmid: str | None = None,
) -> httpx.Response:
    return await client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"body": body, "attachment_ids": attachment_ids, "client_message_id": cmid},
        headers=who.headers,
    )


async def sent_files(
    client: httpx.AsyncClient, who: Person, conversation_id: int, attachment_ids: list[int], body: str = ""
) -> dict[str, Any]:
    answer = await send_files(client, who, conversation_id, attachment_ids, body)
    assert answer.status_code == 201, answer.text
    return answer.json()["message"]
