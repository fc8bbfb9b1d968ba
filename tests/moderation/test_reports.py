"""Reports of abuse: routing, anonymity, frozen evidence, review, and the teacher who joins through a report."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.calls import conversation_list, error_of, history, sent, started
from tests.factories import Factory, Person
from tests.massmessages.calls import privileged_admin


async def _report(client: httpx.AsyncClient, who: Person, message_id: int, reason: str = "mean") -> int:
    answer = await client.post(
        f"/api/messages/{message_id}/report", json={"reason": reason}, headers=who.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["report_id"]


async def _inbox(client: httpx.AsyncClient, who: Person) -> list[dict[str, Any]]:
    return (await client.get("/api/reports", headers=who.headers)).json()["reports"]


async def test_the_evidence_names_a_mass_message_conversation_as_the_lists_do(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    sender, reviewer = await privileged_admin(client, make), await make.person("Rita Reviewer", "admin")
    pupil = await make.person("Emma")
    accepted = await client.post(
        "/api/mass-messages",
        json={"org_ids": [make.school], "roles": ["student"], "body": "School is closed"},
        headers=sender.headers,
    )
    assert accepted.status_code == 202, accepted.text
    await app.state.mass_messages.drain()
    (entry,) = [c for c in await conversation_list(client, pupil) if c["kind"] == "mass"]
    (message,) = (await history(client, pupil, entry["id"]))["messages"]
    report_id = await _report(client, pupil, message["id"])
    report = (await client.get(f"/api/reports/{report_id}", headers=reviewer.headers)).json()
    assert report["evidence"]["conversation"]["name"] == entry["name"] == "Mass message from Ada Admin"
    (listed,) = await _inbox(client, reviewer)
    assert listed["evidence"]["conversation"]["name"] == entry["name"]


async def test_report_in_a_course_conversation_goes_to_the_course_teachers(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, other_teacher = await make.person(role="teacher"), await make.person(role="teacher")
    bully, victim = await make.person(), await make.person()
    course = await make.space("Biology", teachers=[teacher], students=[bully, victim])
    conversation = (await started(client, bully, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]["id"]
    bad = await sent(client, bully, conversation, "you are stupid")
    report_id = await _report(client, victim, bad["id"])
    assert [r["id"] for r in await _inbox(client, teacher)] == [report_id]
    assert await _inbox(client, other_teacher) == []


async def test_report_in_a_private_conversation_goes_to_teachers_the_two_share(
    client: httpx.AsyncClient, make: Factory
) -> None:
    shared_teacher, unrelated = await make.person(role="teacher"), await make.person(role="teacher")
    bully, victim = await make.person(), await make.person()
    await make.space("History", teachers=[shared_teacher], students=[bully, victim])
    await make.space("Art", teachers=[unrelated], students=[victim])
    bad = (await started(client, bully, people=[victim.id], body="nobody likes you"))["message"]
    await _report(client, victim, bad["id"])
    assert len(await _inbox(client, shared_teacher)) == 1
    assert await _inbox(client, unrelated) == []


async def test_report_without_shared_teachers_goes_to_the_school_admins(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person(role="admin"), await make.person(), await make.person()
    bad = (await started(client, bully, people=[victim.id], body="go away"))["message"]
    await _report(client, victim, bad["id"])
    assert len(await _inbox(client, admin)) == 1


async def test_reporter_is_named_in_one_to_one_conversations(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person(role="admin"), await make.person(), await make.person("Vic Tim")
    bad = (await started(client, bully, people=[victim.id], body="go away"))["message"]
    await _report(client, victim, bad["id"])
    assert (await _inbox(client, admin))[0]["reporter"] == {"id": victim.id, "name": "Vic Tim"}


async def test_reporter_is_anonymous_in_group_conversations(client: httpx.AsyncClient, make: Factory) -> None:
    admin, bully, victim, other = (
        await make.person(role="admin"),
        await make.person(),
        await make.person(),
        await make.person(),
    )
    group = await started(client, bully, people=[victim.id, other.id], mode="group", body="losers")
    await _report(client, victim, group["message"]["id"])
    report = (await _inbox(client, admin))[0]
    assert report["reporter"] is None
    assert "reporter_id" not in report


async def test_report_evidence_survives_later_edits_and_deletions(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person(role="admin"), await make.person(), await make.person()
    conversation = (await started(client, victim, people=[bully.id], body="hi"))["conversation"]["id"]
    bad = await sent(client, bully, conversation, "threatening words")
    await sent(client, victim, conversation, "stop it")
    report_id = await _report(client, victim, bad["id"])
    await client.patch(f"/api/messages/{bad['id']}", json={"body": "nothing to see"}, headers=bully.headers)
    await client.delete(f"/api/messages/{bad['id']}", headers=bully.headers)
    report = (await client.get(f"/api/reports/{report_id}", headers=admin.headers)).json()
    assert [m["body"] for m in report["evidence"]["messages"]] == ["hi", "threatening words", "stop it"]
    assert report["evidence"]["reported_seq"] == bad["seq"]


async def test_own_messages_cannot_be_reported(client: httpx.AsyncClient, make: Factory) -> None:
    a, b = await make.person(), await make.person()
    mine = (await started(client, a, people=[b.id], body="mine"))["message"]
    answer = await client.post(f"/api/messages/{mine['id']}/report", json={}, headers=a.headers)
    assert answer.status_code == 409 and error_of(answer)["code"] == "own_message"


async def test_a_group_conversation_can_be_reported_as_a_whole(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, a, b, c = (
        await make.person(role="admin"),
        await make.person(),
        await make.person(),
        await make.person(),
    )
    group = (await started(client, a, people=[b.id, c.id], mode="group", body="mean group"))["conversation"][
        "id"
    ]
    answer = await client.post(
        f"/api/conversations/{group}/report", json={"reason": "exclusion"}, headers=c.headers
    )
    assert answer.status_code == 201
    report = (await _inbox(client, admin))[0]
    assert report["message_id"] is None and report["evidence"]["messages"][0]["body"] == "mean group"


async def test_a_one_to_one_cannot_be_reported_as_a_whole(client: httpx.AsyncClient, make: Factory) -> None:
    a, b = await make.person(), await make.person()
    direct = (await started(client, a, people=[b.id], body="x"))["conversation"]["id"]
    answer = await client.post(f"/api/conversations/{direct}/report", json={}, headers=b.headers)
    assert answer.status_code == 409


async def test_staff_cannot_read_private_student_conversations_unless_reported(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, bully, victim = await make.person(role="teacher"), await make.person(), await make.person()
    await make.space("History", teachers=[teacher], students=[bully, victim])
    conversation = await started(client, bully, people=[victim.id], body="private insult")
    cid = conversation["conversation"]["id"]
    assert (
        await client.get(f"/api/conversations/{cid}/messages", headers=teacher.headers)
    ).status_code == 404
    report_id = await _report(client, victim, conversation["message"]["id"])
    assert (
        await client.get(f"/api/conversations/{cid}/messages", headers=teacher.headers)
    ).status_code == 404
    opened = await client.post(f"/api/reports/{report_id}/open", headers=teacher.headers)
    assert opened.status_code == 200
    assert (await history(client, teacher, cid))["messages"][0]["body"] == "private insult"


async def test_teacher_who_opens_a_report_joins_as_a_moderator_not_a_participant(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, bully, victim, third = (
        await make.person("Tess", "teacher"),
        await make.person(),
        await make.person(),
        await make.person(),
    )
    await make.space("History", teachers=[teacher], students=[bully, victim, third])
    group = await started(client, bully, people=[victim.id, third.id], mode="group", body="you smell")
    cid = group["conversation"]["id"]
    report_id = await _report(client, victim, group["message"]["id"])
    await client.post(f"/api/reports/{report_id}/open", headers=teacher.headers)
    participants = (await client.get(f"/api/conversations/{cid}/participants", headers=victim.headers)).json()
    tess = next(p for p in participants["participants"] if p["id"] == teacher.id)
    assert tess["formal"] is False
    removed = await client.post(
        f"/api/messages/{group['message']['id']}/moderate", json={"confirm": True}, headers=teacher.headers
    )
    assert removed.status_code == 200


async def test_teacher_present_through_a_report_cannot_be_removed(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, head = await make.person(role="teacher"), await make.person(role="teacher")
    bully, victim = await make.person(), await make.person()
    await make.space("History", teachers=[teacher], students=[bully, victim])
    group = await started(client, head, people=[bully.id, victim.id], mode="group", body="ok")
    bad = await sent(client, bully, group["conversation"]["id"], "mean")
    report_id = await _report(client, victim, bad["id"])
    await client.post(f"/api/reports/{report_id}/open", headers=teacher.headers)
    answer = await client.delete(
        f"/api/conversations/{group['conversation']['id']}/participants/{teacher.id}", headers=head.headers
    )
    assert answer.status_code == 409 and error_of(answer)["code"] == "not_a_formal_participant"


async def test_reports_are_reviewed_or_dismissed_with_a_note(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person(role="admin"), await make.person(), await make.person()
    bad = (await started(client, bully, people=[victim.id], body="x"))["message"]
    report_id = await _report(client, victim, bad["id"])
    answer = await client.post(
        f"/api/reports/{report_id}/review",
        json={"status": "dismissed", "note": "banter"},
        headers=admin.headers,
    )
    assert answer.json()["status"] == "dismissed" and answer.json()["review_note"] == "banter"
    assert answer.json()["reviewed_by"] == admin.id
    assert (await client.get("/api/reports", params={"status": "open"}, headers=admin.headers)).json()[
        "reports"
    ] == []


async def test_only_the_reviewers_see_a_report(client: httpx.AsyncClient, make: Factory) -> None:
    admin, bully, victim = await make.person(role="admin"), await make.person(), await make.person()
    other_admin = await make.person(role="admin", school=make.other_school)
    bad = (await started(client, bully, people=[victim.id], body="x"))["message"]
    report_id = await _report(client, victim, bad["id"])
    assert (await client.get(f"/api/reports/{report_id}", headers=admin.headers)).status_code == 200
    for outsider in (other_admin, bully, victim):
        assert (await client.get(f"/api/reports/{report_id}", headers=outsider.headers)).status_code == 404
        assert (
            await client.post(f"/api/reports/{report_id}/open", headers=outsider.headers)
        ).status_code == 404


async def test_a_one_to_one_stays_usable_after_a_teacher_opens_a_report_in_it(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, bully, victim = await make.person(role="teacher"), await make.person(), await make.person()
    await make.space("History", teachers=[teacher], students=[bully, victim])
    direct = await started(client, bully, people=[victim.id], body="nobody likes you")
    cid = direct["conversation"]["id"]
    report_id = await _report(client, victim, direct["message"]["id"])
    await client.post(f"/api/reports/{report_id}/open", headers=teacher.headers)
    for who in (victim, bully, teacher):
        answer = await client.post(
            f"/api/conversations/{cid}/messages", json={"body": "still here"}, headers=who.headers
        )
        assert answer.status_code == 201, answer.text


async def test_the_reports_inbox_is_offered_to_teachers_and_admins(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, admin, student = (
        await make.person(role="teacher"),
        await make.person(role="admin"),
        await make.person(),
    )

    async def offered(who: Person) -> bool:
        answer = await client.get("/api/me", headers=who.headers)
        assert answer.status_code == 200, answer.text
        return bool(answer.json()["may_review_reports"])

    assert await offered(teacher) and await offered(admin)
    assert not await offered(student)
