"""§5.5 Deleting messages (teachers and admins) and §5.6 removing users from group conversations."""

from __future__ import annotations

import httpx

from schoolchat.policy import texts
from tests.calls import error_of, history, send, sent, started
from tests.factories import Factory


async def _course_chat(client: httpx.AsyncClient, make: Factory):  # type: ignore[no-untyped-def]
    teacher = await make.person("Maria Jensen", "teacher")
    a, b = await make.person("Emma"), await make.person("Noah")
    course = await make.space("Biology", teachers=[teacher], students=[a, b])
    conversation = (await started(client, a, courses=[course.id], mode="group", body="hello"))[
        "conversation"
    ]["id"]
    return teacher, a, b, conversation


async def test_teacher_deletes_a_message_and_everyone_sees_removed_by_the_teacher(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, a, b, conversation = await _course_chat(client, make)
    bad = await sent(client, a, conversation, "something hurtful")
    answer = await client.post(
        f"/api/messages/{bad['id']}/moderate", json={"confirm": True}, headers=teacher.headers
    )
    assert answer.status_code == 200
    for person in (a, b, teacher):
        seen = (await history(client, person, conversation))["messages"][0]
        assert seen["deleted"]["notice"] == "This message was removed by Maria Jensen"
        assert seen["body"] is None and seen["html"] is None


async def test_moderator_delete_asks_for_confirmation_first(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, a, b, conversation = await _course_chat(client, make)
    bad = await sent(client, a, conversation, "oops")
    answer = await client.post(f"/api/messages/{bad['id']}/moderate", json={}, headers=teacher.headers)
    assert answer.status_code == 409 and error_of(answer)["code"] == "confirmation_required"
    assert (await history(client, b, conversation))["messages"][0]["body"] == "oops"


async def test_moderated_content_is_permanently_deleted(
    client: httpx.AsyncClient, make: Factory, services
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from schoolchat.messages.models import messages

    teacher, a, _, conversation = await _course_chat(client, make)
    bad = await sent(client, a, conversation, "delete me for real")
    await client.post(f"/api/messages/{bad['id']}/moderate", json={"confirm": True}, headers=teacher.headers)
    async with services.db.read() as conn:
        row = (
            await conn.execute(
                select(messages.c.body, messages.c.body_html).where(messages.c.id == bad["id"])
            )
        ).one()
    assert tuple(row) == ("", "")


async def test_students_cannot_delete_messages_of_others(client: httpx.AsyncClient, make: Factory) -> None:
    _, a, b, conversation = await _course_chat(client, make)
    message = await sent(client, a, conversation, "mine")
    answer = await client.post(
        f"/api/messages/{message['id']}/moderate", json={"confirm": True}, headers=b.headers
    )
    assert answer.status_code == 403


async def test_teachers_can_only_moderate_conversations_they_are_part_of(
    client: httpx.AsyncClient, make: Factory
) -> None:
    _, a, b, _ = await _course_chat(client, make)
    other_teacher = await make.person(role="teacher")
    private = await started(client, a, people=[b.id], body="private words")
    answer = await client.post(
        f"/api/messages/{private['message']['id']}/moderate",
        json={"confirm": True},
        headers=other_teacher.headers,
    )
    assert answer.status_code == 404


async def test_teacher_removes_a_participant_from_a_group_at_once(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, a, b = await make.person(role="teacher"), await make.person(), await make.person()
    group = (await started(client, teacher, people=[a.id, b.id], mode="group", body="x"))["conversation"][
        "id"
    ]
    answer = await client.delete(f"/api/conversations/{group}/participants/{b.id}", headers=teacher.headers)
    assert answer.status_code == 204
    refused = await send(client, b, group, "let me back")
    assert refused.status_code == 403 and error_of(refused)["code"] == "not_a_participant"
    assert (await client.get(f"/api/conversations/{group}/messages", headers=b.headers)).status_code == 404
    await sent(client, a, group, "after the removal")
    events = (await client.get("/api/events", headers=b.headers)).json()["events"]
    assert "after the removal" not in str(events)
    assert events[-1]["type"] == "participants.removed"


async def test_participants_cannot_be_removed_from_course_conversations(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, a, _, conversation = await _course_chat(client, make)
    answer = await client.delete(
        f"/api/conversations/{conversation}/participants/{a.id}", headers=teacher.headers
    )
    assert answer.status_code == 409 and error_of(answer)["code"] == "not_a_group"


async def test_students_cannot_remove_participants(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    answer = await client.delete(f"/api/conversations/{group}/participants/{c.id}", headers=a.headers)
    assert answer.status_code == 403


async def test_the_confirmation_says_an_unreported_message_is_permanently_deleted(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, a, _, conversation = await _course_chat(client, make)
    bad = await sent(client, a, conversation, "oops")
    answer = await client.post(f"/api/messages/{bad['id']}/moderate", json={}, headers=teacher.headers)
    assert error_of(answer)["message"] == texts.moderator_delete_confirmation(
        "Emma", "Maria Jensen", kept_as_evidence=False
    )
    assert error_of(answer)["message"].endswith("The content is permanently deleted.")
    assert error_of(answer)["details"]["kept_as_evidence"] is False


async def _reported(client: httpx.AsyncClient, make: Factory):  # type: ignore[no-untyped-def]
    teacher, a, b, conversation = await _course_chat(client, make)
    bad = await sent(client, a, conversation, "You are all idiots")
    reported = await client.post(
        f"/api/messages/{bad['id']}/report", json={"reason": "insults"}, headers=b.headers
    )
    assert reported.status_code == 201, reported.text
    return teacher, bad, reported.json()["report_id"]


async def test_the_confirmation_says_a_reported_message_is_kept_as_evidence_for_the_report(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, bad, _ = await _reported(client, make)
    answer = await client.post(f"/api/messages/{bad['id']}/moderate", json={}, headers=teacher.headers)
    assert answer.status_code == 409
    assert "removed from the conversation; kept as evidence for this report" in error_of(answer)["message"]
    assert "permanently" not in error_of(answer)["message"]
    assert error_of(answer)["details"]["kept_as_evidence"] is True


async def test_the_report_says_its_deleted_message_is_kept_as_evidence_for_it(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, bad, report_id = await _reported(client, make)
    deleted = await client.post(
        f"/api/messages/{bad['id']}/moderate", json={"confirm": True}, headers=teacher.headers
    )
    assert deleted.status_code == 200, deleted.text
    for answer in (
        await client.get(f"/api/reports/{report_id}", headers=teacher.headers),
        await client.get("/api/reports", headers=teacher.headers),
    ):
        report = answer.json() if "evidence" in answer.json() else answer.json()["reports"][0]
        frozen = {m["id"]: m for m in report["evidence"]["messages"]}
        assert (
            frozen[bad["id"]]["body"] == "You are all idiots"
        )  # the one copy a delete leaves, for reviewers
        assert frozen[bad["id"]]["kept_as_evidence"] == texts.kept_as_evidence()
        assert [m["kept_as_evidence"] for i, m in frozen.items() if i != bad["id"]] == [None]
