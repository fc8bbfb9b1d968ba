"""§5.7 Managing course conversations: delete (teachers and admins), a new one at any time, restore from a report."""

from __future__ import annotations

import httpx

from tests.calls import conversation_list, error_of, history, send, started
from tests.factories import Factory


async def _course(client: httpx.AsyncClient, make: Factory):  # type: ignore[no-untyped-def]
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Biology", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="old"))[
        "conversation"
    ]
    return teacher, student, course, conversation["id"]


async def test_deleted_course_conversation_keeps_its_history_but_refuses_new_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student, _, conversation = await _course(client, make)
    answer = await client.post(
        f"/api/conversations/{conversation}/delete", json={"confirm": True}, headers=teacher.headers
    )
    assert answer.status_code == 204
    assert [m["body"] for m in (await history(client, student, conversation))["messages"]] == ["old"]
    refused = await send(client, student, conversation, "hello?")
    assert refused.status_code == 409 and error_of(refused)["code"] == "conversation_deleted"
    assert (await conversation_list(client, student))[0]["status_notice"] == "Deleted conversation"


async def test_deleting_a_course_conversation_needs_confirmation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student, _, conversation = await _course(client, make)
    answer = await client.post(f"/api/conversations/{conversation}/delete", json={}, headers=teacher.headers)
    assert answer.status_code == 409 and error_of(answer)["code"] == "confirmation_required"
    assert (await send(client, student, conversation, "still open")).status_code == 201


async def test_a_new_course_conversation_can_be_started_after_a_delete(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student, course, conversation = await _course(client, make)
    await client.post(
        f"/api/conversations/{conversation}/delete", json={"confirm": True}, headers=teacher.headers
    )
    fresh = await started(client, teacher, courses=[course.id], mode="group", body="new term")
    assert fresh["conversation"]["id"] != conversation and fresh["created"] is True
    assert {c["id"] for c in await conversation_list(client, student)} == {
        conversation,
        fresh["conversation"]["id"],
    }


async def test_students_cannot_delete_a_course_conversation(client: httpx.AsyncClient, make: Factory) -> None:
    _, student, _, conversation = await _course(client, make)
    answer = await client.post(
        f"/api/conversations/{conversation}/delete", json={"confirm": True}, headers=student.headers
    )
    assert answer.status_code == 403


async def test_group_conversations_cannot_be_deleted(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, a, b = await make.person(role="teacher"), await make.person(), await make.person()
    group = (await started(client, teacher, people=[a.id, b.id], mode="group"))["conversation"]["id"]
    answer = await client.post(
        f"/api/conversations/{group}/delete", json={"confirm": True}, headers=teacher.headers
    )
    assert answer.status_code == 409 and error_of(answer)["code"] == "not_a_course_conversation"


async def _reported_and_deleted(client: httpx.AsyncClient, make: Factory):  # type: ignore[no-untyped-def]
    teacher, reviewer = await make.person(role="teacher"), await make.person(role="teacher")
    bully, victim = await make.person(), await make.person()
    course = await make.space("Chemistry", teachers=[teacher, reviewer], students=[bully, victim])
    conversation = await started(client, bully, courses=[course.id], mode="group", body="rude")
    report = await client.post(
        f"/api/messages/{conversation['message']['id']}/report",
        json={"reason": "rude"},
        headers=victim.headers,
    )
    cid = conversation["conversation"]["id"]
    await client.post(f"/api/conversations/{cid}/delete", json={"confirm": True}, headers=teacher.headers)
    return reviewer, victim, course, cid, report.json()["report_id"]


async def test_a_reported_conversation_is_restored_from_the_original_report(
    client: httpx.AsyncClient, make: Factory
) -> None:
    reviewer, victim, _, conversation, report_id = await _reported_and_deleted(client, make)
    answer = await client.post(f"/api/reports/{report_id}/restore", headers=reviewer.headers)
    assert answer.status_code == 204
    assert (await send(client, victim, conversation, "back again")).status_code == 201


async def test_restoring_waits_until_a_newer_course_conversation_is_deleted(
    client: httpx.AsyncClient, make: Factory
) -> None:
    reviewer, _, course, _, report_id = await _reported_and_deleted(client, make)
    newer = (await started(client, reviewer, courses=[course.id], mode="group", body="new"))["conversation"][
        "id"
    ]
    answer = await client.post(f"/api/reports/{report_id}/restore", headers=reviewer.headers)
    assert answer.status_code == 409 and error_of(answer)["code"] == "newer_conversation_exists"
    await client.post(f"/api/conversations/{newer}/delete", json={"confirm": True}, headers=reviewer.headers)
    assert (
        await client.post(f"/api/reports/{report_id}/restore", headers=reviewer.headers)
    ).status_code == 204


async def test_only_reviewers_of_the_report_can_restore(client: httpx.AsyncClient, make: Factory) -> None:
    _, victim, _, _, report_id = await _reported_and_deleted(client, make)
    assert (await client.post(f"/api/reports/{report_id}/restore", headers=victim.headers)).status_code == 404


async def test_a_report_tells_its_reviewers_whether_the_conversation_is_deleted(
    client: httpx.AsyncClient, make: Factory
) -> None:
    reviewer, _, _, _, report_id = await _reported_and_deleted(client, make)
    report = (await client.get(f"/api/reports/{report_id}", headers=reviewer.headers)).json()
    assert report["conversation_status"] == "deleted"
    inbox = (await client.get("/api/reports", headers=reviewer.headers)).json()["reports"]
    assert [r["conversation_status"] for r in inbox] == ["deleted"]
    await client.post(f"/api/reports/{report_id}/restore", headers=reviewer.headers)
    report = (await client.get(f"/api/reports/{report_id}", headers=reviewer.headers)).json()
    assert report["conversation_status"] == "open"
