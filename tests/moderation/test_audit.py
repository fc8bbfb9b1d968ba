"""The audit log: every moderation action, report decision and rule change, append-only, readable by admins."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from schoolchat.moderation.models import audit_log, audit_log_orgs
from schoolchat.services import Services
from tests.calls import sent, started
from tests.factories import Factory


async def _entries(client: httpx.AsyncClient, who, **filters) -> list[dict]:  # type: ignore[no-untyped-def]
    answer = await client.get("/api/admin/audit", params=filters, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


async def test_moderation_actions_are_recorded_with_who_what_when_and_why(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, teacher = await make.person(role="admin"), await make.person("Tess Teacher", "teacher")
    student = await make.person()
    course = await make.space("Biology", teachers=[teacher], students=[student])
    conversation = (await started(client, student, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]
    bad = await sent(client, student, conversation["id"], "bad")
    await client.post(
        f"/api/messages/{bad['id']}/moderate",
        json={"confirm": True, "reason": "insult"},
        headers=teacher.headers,
    )
    entry = (await _entries(client, admin, action="message.removed"))[0]
    assert entry["actor_name"] == "Tess Teacher" and entry["reason"] == "insult"
    assert entry["object_type"] == "message" and entry["object_id"] == bad["id"] and entry["at"]


async def test_report_decisions_and_rule_changes_are_recorded(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person(role="admin"), await make.person(), await make.person()
    bad = (await started(client, bully, people=[victim.id], body="x"))["message"]
    report_id = (
        await client.post(f"/api/messages/{bad['id']}/report", json={}, headers=victim.headers)
    ).json()
    await client.post(
        f"/api/reports/{report_id['report_id']}/review",
        json={"status": "reviewed", "note": "talked"},
        headers=admin.headers,
    )
    await client.put(f"/api/admin/orgs/{make.school}/rules", json={"rules": []}, headers=admin.headers)
    await client.patch(
        f"/api/admin/users/{bully.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    actions = [e["action"] for e in await _entries(client, admin)]
    assert actions == ["user.messaging_disabled", "rules.changed", "report.reviewed", "report.created"]


async def test_admins_filter_the_audit_log(client: httpx.AsyncClient, make: Factory) -> None:
    admin, a, b = await make.person(role="admin"), await make.person(), await make.person()
    await client.patch(f"/api/admin/users/{a.id}", json={"messaging_disabled": True}, headers=admin.headers)
    await client.patch(f"/api/admin/users/{b.id}", json={"mass_messaging": True}, headers=admin.headers)
    assert [e["object_id"] for e in await _entries(client, admin, object_type="user", object_id=b.id)] == [
        b.id
    ]
    assert len(await _entries(client, admin, actor_id=admin.id)) == 2


async def test_admins_of_another_school_do_not_see_the_entries(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, student = await make.person(role="admin"), await make.person()
    other_admin = await make.person(role="admin", school=make.other_school)
    await client.patch(
        f"/api/admin/users/{student.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    assert await _entries(client, other_admin) == []


async def test_the_audit_log_refuses_changes_and_deletions(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    admin, student = await make.person(role="admin"), await make.person()
    await client.patch(
        f"/api/admin/users/{student.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    for statement in (update(audit_log).values(reason="rewritten"), delete(audit_log)):
        with pytest.raises(DBAPIError, match="append-only"):
            async with services.db.write() as tx:
                await tx.conn.execute(statement)


async def test_which_orgs_may_read_an_audit_row_cannot_be_changed_or_deleted(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    admin, student = await make.person(role="admin"), await make.person()
    await client.patch(
        f"/api/admin/users/{student.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    for statement in (update(audit_log_orgs).values(org_id=make.other_school), delete(audit_log_orgs)):
        with pytest.raises(DBAPIError, match="append-only"):
            async with services.db.write() as tx:
                await tx.conn.execute(statement)
    assert [e["object_id"] for e in await _entries(client, admin)] == [student.id]
