"""The safeguarding lead of a school (issue 16): designated by another admin of the school, audited; receives
every report of the school; escalates with a note; reads a pupil's report history across courses."""

from __future__ import annotations

import httpx

from tests.calls import error_of, sent, started
from tests.factories import Factory, Person
from tests.safeguarding.calls import designate, inbox, report


async def _audit_actions(client: httpx.AsyncClient, admin: Person) -> list[str]:
    return [
        entry["action"]
        for entry in (await client.get("/api/admin/audit", headers=admin.headers)).json()["entries"]
    ]


async def test_an_admin_designates_a_teacher_of_the_school_as_lead_and_it_is_audited(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, lead = await make.person("Ada Admin", "admin"), await make.person("Lena Lead", "teacher")
    assert (await designate(client, admin, make.school, lead)).status_code == 204
    listed = (
        await client.get(f"/api/admin/orgs/{make.school}/safeguarding-leads", headers=admin.headers)
    ).json()
    assert [row["name"] for row in listed] == ["Lena Lead"]
    assert "safeguarding_lead.designated" in await _audit_actions(client, admin)
    removed = await client.delete(
        f"/api/admin/orgs/{make.school}/safeguarding-leads/{lead.id}", headers=admin.headers
    )
    assert removed.status_code == 204
    assert (
        await client.get(f"/api/admin/orgs/{make.school}/safeguarding-leads", headers=admin.headers)
    ).json() == []
    assert "safeguarding_lead.stood_down" in await _audit_actions(client, admin)


async def test_nobody_designates_themself_as_lead(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person("Ada Admin", "admin")
    assert error_of(await designate(client, admin, make.school, admin))["code"] == "own_privileges"


async def test_a_pupil_cannot_be_a_safeguarding_lead(client: httpx.AsyncClient, make: Factory) -> None:
    admin, pupil = await make.person("Ada Admin", "admin"), await make.person("Emma")
    answer = await designate(client, admin, make.school, pupil)
    assert (answer.status_code, error_of(answer)["code"]) == (409, "not_staff_of_school")


async def test_the_people_list_says_who_may_be_designated_lead(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    await make.person("Lena Lead", "teacher")
    await make.person("Emma")
    listed = (await client.get(f"/api/admin/orgs/{make.school}/people", headers=admin.headers)).json()
    assert {row["name"]: row["may_lead"] for row in listed["people"]} == {
        "Ada Admin": True,
        "Lena Lead": True,
        "Emma": False,
    }


async def test_an_admin_of_another_school_cannot_designate_its_lead(
    client: httpx.AsyncClient, make: Factory
) -> None:
    stranger = await make.person("Otto Other", "admin", school=make.other_school)
    teacher = await make.person("Lena Lead", "teacher")
    answer = await designate(client, stranger, make.school, teacher)
    assert answer.status_code == 404
    assert (
        await client.get(f"/api/admin/orgs/{make.school}/safeguarding-leads", headers=stranger.headers)
    ).status_code == 404


async def test_the_lead_receives_every_report_of_the_school_besides_its_teachers(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, lead = await make.person("Ada Admin", "admin"), await make.person("Lena Lead", "teacher")
    teacher, bully, victim = await make.person("Maria", "teacher"), await make.person(), await make.person()
    outsider_lead = await make.person("Olav", "teacher", school=make.other_school)
    await designate(client, admin, make.school, lead)
    await designate(
        client, await make.person("Oda", "admin", school=make.other_school), make.other_school, outsider_lead
    )
    course = await make.space("Biology", teachers=[teacher], students=[bully, victim])
    conversation = (await started(client, bully, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]["id"]
    report_id = await report(client, victim, (await sent(client, bully, conversation, "loser"))["id"])
    assert [r["id"] for r in await inbox(client, teacher)] == [report_id]
    assert [r["id"] for r in await inbox(client, lead)] == [report_id]
    assert await inbox(client, outsider_lead) == []


async def test_a_reports_category_is_the_reporters_choice_and_other_when_none_is_sent(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person("Ada Admin", "admin"), await make.person(), await make.person()
    first = (await started(client, bully, people=[victim.id], body="go away"))["message"]
    second = await sent(client, bully, first["conversation_id"], "nobody likes you")
    await report(client, victim, first["id"])
    await report(client, victim, second["id"], "bullying")
    assert [r["category"] for r in await inbox(client, admin)] == ["bullying", "other"]
    refused = await client.post(
        f"/api/messages/{second['id']}/report", json={"category": "gossip"}, headers=victim.headers
    )
    assert refused.status_code == 422


async def test_only_the_lead_escalates_a_report_with_a_note_and_it_stays_open_until_reviewed(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, lead = await make.person("Ada Admin", "admin"), await make.person("Lena Lead", "teacher")
    teacher, bully, victim = await make.person("Maria", "teacher"), await make.person(), await make.person()
    await designate(client, admin, make.school, lead)
    course = await make.space("Biology", teachers=[teacher], students=[bully, victim])
    conversation = (await started(client, bully, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]["id"]
    report_id = await report(client, victim, (await sent(client, bully, conversation, "loser"))["id"])
    url = f"/api/reports/{report_id}/escalate"
    assert (
        error_of(await client.post(url, json={"note": "x"}, headers=teacher.headers))["code"]
        == "not_safeguarding_lead"
    )
    assert (
        error_of(await client.post(url, json={"note": " "}, headers=lead.headers))["code"] == "note_required"
    )
    escalated = await client.post(url, json={"note": "Passed to the school nurse"}, headers=lead.headers)
    assert escalated.status_code == 200, escalated.text
    assert escalated.json()["status"] == "escalated"
    assert escalated.json()["escalation"]["note"] == "Passed to the school nurse"
    open_ones = (await client.get("/api/reports?status=escalated", headers=teacher.headers)).json()["reports"]
    assert [r["id"] for r in open_ones] == [report_id]
    closed = await client.post(
        f"/api/reports/{report_id}/review", json={"status": "reviewed", "note": "done"}, headers=lead.headers
    )
    assert closed.json()["status"] == "reviewed"
    assert "report.escalated" in await _audit_actions(client, admin)


async def test_the_lead_reads_a_pupils_report_history_across_courses_only_for_pupils_of_their_school(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, lead = await make.person("Ada Admin", "admin"), await make.person("Lena Lead", "teacher")
    teacher, bully, victim, bystander = (
        await make.person("Maria", "teacher"),
        await make.person("Bo"),
        await make.person("Vic"),
        await make.person("Sam"),
    )
    await designate(client, admin, make.school, lead)
    reports = []
    for name in ("Biology", "History"):
        course = await make.space(name, teachers=[teacher], students=[bully, victim, bystander])
        conversation = (await started(client, bully, courses=[course.id], mode="group", body="x"))[
            "conversation"
        ]["id"]
        reports.append(await report(client, victim, (await sent(client, bully, conversation, "loser"))["id"]))
    other = (await started(client, bystander, people=[victim.id], body="hi"))["message"]
    await report(client, victim, other["id"])  # about someone else
    answer = await client.get(f"/api/safeguarding/pupils/{bully.id}/reports", headers=lead.headers)
    assert [r["id"] for r in answer.json()["reports"]] == sorted(reports, reverse=True)
    assert (
        await client.get(f"/api/safeguarding/pupils/{bully.id}/reports", headers=teacher.headers)
    ).status_code == 404
    foreign = await make.person("Fia", school=make.other_school)
    assert (
        await client.get(f"/api/safeguarding/pupils/{foreign.id}/reports", headers=lead.headers)
    ).status_code == 404
