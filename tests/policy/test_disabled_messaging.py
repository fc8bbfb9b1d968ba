"""§6.4 Disabled messaging feedback: 1:1, group and course conversations each tell the sender why."""

from __future__ import annotations

import httpx

from tests.calls import conversation_list, error_of, history, send, start, started
from tests.factories import Factory


async def test_one_to_one_to_a_disabled_user_cannot_be_delivered(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person("Maria", "teacher")
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    answer = await start(client, teacher, people=[sofia.id], body="hello")
    assert answer.status_code == 403
    assert (
        error_of(answer)["message"] == "Your message cannot be delivered: Sofia Moen has messaging disabled."
    )


async def test_existing_one_to_one_refuses_sends_once_messaging_is_disabled(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person(role="teacher"), await make.person("Sofia Moen")
    conversation = (await started(client, teacher, people=[student.id], body="hi"))["conversation"]["id"]
    await make.disable_messaging(student.id)
    answer = await send(client, teacher, conversation, "are you there?")
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "recipient_messaging_disabled"


async def test_group_conversation_informs_that_the_disabled_user_cannot_participate(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, ok = await make.person(role="teacher"), await make.person("Emma")
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    result = await started(client, teacher, people=[ok.id, sofia.id], mode="group", body="group work")
    assert result["feedback"] == [
        {
            "user_id": sofia.id,
            "code": "cannot_participate",
            "message": "Sofia Moen has messaging disabled and cannot participate in this conversation.",
        }
    ]
    participants = await client.get(
        f"/api/conversations/{result['conversation']['id']}/participants", headers=teacher.headers
    )
    assert sofia.id not in [p["id"] for p in participants.json()["participants"]]


async def test_course_conversation_gives_feedback_about_users_who_cannot_receive(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, ok = await make.person(role="teacher"), await make.person()
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    course = await make.space("Biology", teachers=[teacher], students=[ok, sofia])
    result = await started(client, teacher, courses=[course.id], mode="group", body="welcome")
    assert result["feedback"] == [
        {
            "user_id": sofia.id,
            "code": "cannot_receive",
            "message": "Sofia Moen has messaging disabled and will not receive messages in "
            "this conversation.",
        }
    ]
    again = await send(client, teacher, result["conversation"]["id"], "reminder")
    assert again.json()["feedback"][0]["code"] == "cannot_receive"


async def test_individual_messages_skip_disabled_recipients_with_feedback(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, ok = await make.person(role="teacher"), await make.person()
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    result = await started(client, teacher, people=[ok.id, sofia.id], mode="individual", body="grades")
    assert result["conversation"]["name"] == "Sent to 1 person"
    assert result["feedback"][0]["code"] == "cannot_deliver"


async def test_a_disabled_user_cannot_send(client: httpx.AsyncClient, make: Factory) -> None:
    sofia, friend = await make.person(), await make.person()
    conversation = (await started(client, friend, people=[sofia.id], body="hi"))["conversation"]["id"]
    await make.disable_messaging(sofia.id)
    answer = await send(client, sofia, conversation, "hi back")
    assert answer.status_code == 403
    assert error_of(answer)["message"] == "Messaging has been disabled for your account."


async def test_a_disabled_user_does_not_receive(client: httpx.AsyncClient, make: Factory) -> None:
    sofia, friend = await make.person(), await make.person()
    conversation = (await started(client, friend, people=[sofia.id], body="hi"))["conversation"]["id"]
    await make.disable_messaging(sofia.id)
    answer = await client.get(f"/api/conversations/{conversation}/messages", headers=sofia.headers)
    assert answer.status_code == 403 and error_of(answer)["code"] == "messaging_disabled"
    await make.disable_messaging(sofia.id, False)
    assert [m["body"] for m in (await history(client, sofia, conversation))["messages"]] == ["hi"]


async def test_admin_disables_messaging_for_a_whole_school(client: httpx.AsyncClient, make: Factory) -> None:
    admin, teacher = (
        await make.person(role="admin"),
        await make.person(role="teacher", school=make.other_school),
    )
    student = await make.person("Stu Dent")
    answer = await client.patch(
        f"/api/admin/orgs/{make.school}", json={"messaging_disabled": True}, headers=admin.headers
    )
    assert answer.status_code == 204
    assert (await client.get("/api/conversations", headers=student.headers)).status_code == 403
    district_admin = await make.person(role="admin", school=make.district)
    refused = await start(client, district_admin, people=[student.id], body="hello")
    assert (
        error_of(refused)["message"] == "Your message cannot be delivered: Stu Dent has messaging disabled."
    )
    assert (await client.get("/api/conversations", headers=teacher.headers)).status_code == 200


async def test_messaging_disabled_for_a_district_is_disabled_for_its_schools_people(
    client: httpx.AsyncClient, make: Factory
) -> None:
    district_admin = await make.person(role="admin", school=make.district)
    student = await make.person()
    assert (await client.get("/api/conversations", headers=student.headers)).status_code == 200
    answer = await client.patch(
        f"/api/admin/orgs/{make.district}", json={"messaging_disabled": True}, headers=district_admin.headers
    )
    assert answer.status_code == 204
    assert (await client.get("/api/conversations", headers=student.headers)).status_code == 403


async def test_admin_disables_messaging_for_a_course(client: httpx.AsyncClient, make: Factory) -> None:
    admin, teacher, student = (
        await make.person(role="admin"),
        await make.person(role="teacher"),
        await make.person(),
    )
    course = await make.space("Biology", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]["id"]
    await client.patch(
        f"/api/admin/spaces/{course.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    refused = await send(client, student, conversation, "hello")
    assert refused.status_code == 403
    assert error_of(refused)["message"] == "Messaging is disabled for this course."
    assert [m["body"] for m in (await history(client, student, conversation))["messages"]] == ["x"]
    options = await client.post(
        "/api/recipients/options", json={"courses": [course.id]}, headers=teacher.headers
    )
    assert error_of(options)["code"] == "space_messaging_disabled"


async def test_a_course_with_messaging_disabled_says_so_before_anyone_writes(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, teacher, student = (
        await make.person(role="admin"),
        await make.person(role="teacher"),
        await make.person(),
    )
    course = await make.space("Biology", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]["id"]

    async def notice() -> str | None:
        listed = next(c for c in await conversation_list(client, student) if c["id"] == conversation)
        one = (await client.get(f"/api/conversations/{conversation}", headers=student.headers)).json()
        assert one["messaging_disabled_notice"] == listed["messaging_disabled_notice"]
        return listed["messaging_disabled_notice"]

    assert await notice() is None
    await client.patch(
        f"/api/admin/spaces/{course.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    assert await notice() == "Messaging is disabled for this course."
