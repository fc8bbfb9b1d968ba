"""Calls the safeguarding tests share: designating a lead, reporting with a category."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Person


async def designate(client: httpx.AsyncClient, admin: Person, org_id: int, lead: Person) -> httpx.Response:
    return await client.put(f"/api/admin/orgs/{org_id}/safeguarding-leads/{lead.id}", headers=admin.headers)


async def report(
    client: httpx.AsyncClient,
    who: Person,
    message_id: int,
    category: str | None = None,
    reason: str = "worried",
) -> int:
    body: dict[str, Any] = {"reason": reason, **({"category": category} if category else {})}
    answer = await client.post(f"/api/messages/{message_id}/report", json=body, headers=who.headers)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["report_id"])


async def inbox(client: httpx.AsyncClient, who: Person) -> list[dict[str, Any]]:
    answer = await client.get("/api/reports", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["reports"])
