"""Staff reading a conversation through a report (issue 16): the audit log records who, which conversation, when
and through which report — one row per opening of the conversation, not per older page scrolled to."""

from __future__ import annotations

from typing import Any

import httpx

from tests.calls import history, sent, started
from tests.factories import Factory, Person
from tests.safeguarding.calls import report


async def _reads(client: httpx.AsyncClient, admin: Person) -> list[dict[str, Any]]:
    entries = (
        await client.get("/api/admin/audit?action=conversation.read_through_report", headers=admin.headers)
    ).json()["entries"]
    return list(entries)


async def test_reading_through_a_report_is_audited_once_per_opening_with_the_report(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, teacher = await make.person("Ada Admin", "admin"), await make.person("Maria", "teacher")
    bully, victim = await make.person(), await make.person()
    await make.space("History", teachers=[teacher], students=[bully, victim])
    first = (await started(client, bully, people=[victim.id], body="go away"))["message"]
    for n in range(3):
        await sent(client, bully, first["conversation_id"], f"more {n}")
    report_id = await report(client, victim, first["id"])
    assert (await client.post(f"/api/reports/{report_id}/open", headers=teacher.headers)).status_code == 200
    await history(client, teacher, first["conversation_id"], limit=2)
    await history(client, teacher, first["conversation_id"], limit=2, before_seq=3)  # scrolling: no new row
    [entry] = await _reads(client, admin)
    assert (entry["actor_id"], entry["object_id"], entry["details"]) == (
        teacher.id,
        first["conversation_id"],
        {"report_id": report_id},
    )
    await history(client, teacher, first["conversation_id"])  # opened again
    assert len(await _reads(client, admin)) == 2


async def test_formal_participants_reading_leave_no_audit_row(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person("Ada Admin", "admin"), await make.person(), await make.person()
    first = (await started(client, bully, people=[victim.id], body="go away"))["message"]
    await report(client, victim, first["id"])
    await history(client, victim, first["conversation_id"])
    assert await _reads(client, admin) == []
