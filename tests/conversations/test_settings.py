"""§4.2 conversation settings and §5.3 managing groups: participants, rename, add, leave, close and reopen."""

from __future__ import annotations

import httpx

from tests.calls import conversation_list, error_of, send, started
from tests.factories import Factory


async def test_participants_show_avatar_name_title_and_role(client: httpx.AsyncClient, make: Factory) -> None:
    teacher = await make.person("Maria Jensen", "teacher")
    student = await make.person("Emma Hansen")
    course = await make.space("Biology 101", teachers=[teacher], students=[student])
    conversation = (await started(client, student, courses=[course.id], mode="group", body="hi"))[
        "conversation"
    ]
    answer = await client.get(
        f"/api/conversations/{conversation['id']}/participants", headers=student.headers
    )
    people = {p["name"]: p for p in answer.json()["participants"]}
    assert people["Maria Jensen"]["role"] == "teacher"
    assert people["Maria Jensen"]["title"] == "Teacher"
    assert people["Maria Jensen"]["initials"] == "MJ"
    assert "avatar_url" in people["Maria Jensen"]
    assert people["Emma Hansen"]["role"] == "student"


async def test_participants_show_your_relationship_with_them(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person("Maria Jensen", "teacher")
    student = await make.person("Emma Hansen")
    await make.space("Biology 101", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, people=[student.id], body="hi"))["conversation"]
    answer = await client.get(
        f"/api/conversations/{conversation['id']}/participants", headers=teacher.headers
    )
    emma = next(p for p in answer.json()["participants"] if p["id"] == student.id)
    assert emma["relationship"][0]["text"] == "You are their teacher in Biology 101"
    answer = await client.get(
        f"/api/conversations/{conversation['id']}/participants", headers=student.headers
    )
    maria = next(p for p in answer.json()["participants"] if p["id"] == teacher.id)
    assert maria["relationship"][0]["text"] == "Your teacher in Biology 101"


async def test_rename_group_conversation(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    answer = await client.patch(
        f"/api/conversations/{group}", json={"name": "Study group"}, headers=b.headers
    )
    assert answer.status_code == 200 and answer.json()["name"] == "Study group"
    assert (await conversation_list(client, c))[0]["name"] == "Study group"


async def test_one_to_one_conversations_cannot_be_renamed(client: httpx.AsyncClient, make: Factory) -> None:
    a, b = await make.person(), await make.person()
    direct = (await started(client, a, people=[b.id]))["conversation"]["id"]
    answer = await client.patch(f"/api/conversations/{direct}", json={"name": "Besties"}, headers=a.headers)
    assert answer.status_code == 409 and error_of(answer)["code"] == "not_a_group"


async def test_names_with_direction_override_characters_are_refused(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    answer = await client.patch(
        f"/api/conversations/{group}", json={"name": "homework\u202egnp.exe"}, headers=a.headers
    )
    assert answer.status_code == 422 and error_of(answer)["code"] == "invalid_characters"


async def test_added_participant_joins_the_group_immediately(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c, d = await make.person(), await make.person(), await make.person(), await make.person("Dana")
    group = (await started(client, a, people=[b.id, c.id], mode="group", body="before"))["conversation"]["id"]
    answer = await client.post(
        f"/api/conversations/{group}/participants", json={"user_ids": [d.id]}, headers=b.headers
    )
    assert answer.status_code == 200 and answer.json()["added"] == [d.id]
    assert [item["id"] for item in await conversation_list(client, d)] == [group]
    assert (await send(client, d, group, "hi, I'm new")).status_code == 201


async def test_participants_cannot_be_added_to_a_one_to_one(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    direct = (await started(client, a, people=[b.id]))["conversation"]["id"]
    answer = await client.post(
        f"/api/conversations/{direct}/participants", json={"user_ids": [c.id]}, headers=a.headers
    )
    assert answer.status_code == 409


async def test_people_you_cannot_address_cannot_be_added(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    stranger = await make.person(school=make.other_school)
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    answer = await client.post(
        f"/api/conversations/{group}/participants", json={"user_ids": [stranger.id]}, headers=a.headers
    )
    assert answer.status_code == 404


async def test_leave_group_conversation(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    assert (await client.post(f"/api/conversations/{group}/leave", headers=c.headers)).status_code == 204
    assert await conversation_list(client, c) == []
    answer = await client.get(f"/api/conversations/{group}/participants", headers=a.headers)
    assert c.id not in [p["id"] for p in answer.json()["participants"]]


async def test_course_conversations_cannot_be_left_while_enrolled(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Art", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group"))["conversation"]["id"]
    answer = await client.post(f"/api/conversations/{conversation}/leave", headers=student.headers)
    assert answer.status_code == 409 and error_of(answer)["code"] == "membership_follows_enrollment"


async def test_closed_conversation_shows_closed_status_and_refuses_new_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Music", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]["id"]
    closed = await client.post(f"/api/conversations/{conversation}/close", headers=teacher.headers)
    assert closed.status_code == 200
    assert (await conversation_list(client, student))[0]["status_notice"] == "Closed conversation"
    answer = await send(client, student, conversation, "can I still write?")
    assert answer.status_code == 409
    assert error_of(answer) == {
        "code": "conversation_closed",
        "message": "Closed conversation. No new messages can be sent.",
        "details": {},
    }


async def test_closed_conversation_history_remains_visible(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Drama", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="x"))[
        "conversation"
    ]["id"]
    await client.post(f"/api/conversations/{conversation}/close", headers=teacher.headers)
    answer = await client.get(f"/api/conversations/{conversation}/messages", headers=student.headers)
    assert [m["body"] for m in answer.json()["messages"]] == ["x"]


async def test_closed_conversation_can_be_reopened_from_settings(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Dance", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group"))["conversation"]["id"]
    await client.post(f"/api/conversations/{conversation}/close", headers=teacher.headers)
    reopened = await client.post(f"/api/conversations/{conversation}/reopen", headers=teacher.headers)
    assert reopened.json()["status"] == "open"
    assert (await send(client, student, conversation, "back again")).status_code == 201


async def test_students_cannot_close_a_course_conversation(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Latin", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group"))["conversation"]["id"]
    answer = await client.post(f"/api/conversations/{conversation}/close", headers=student.headers)
    assert answer.status_code == 403


async def test_the_creator_of_a_group_may_close_it(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    assert (await client.post(f"/api/conversations/{group}/close", headers=b.headers)).status_code == 403
    assert (await client.post(f"/api/conversations/{group}/close", headers=a.headers)).status_code == 200


async def test_conversation_list_is_newest_activity_first_and_paginated(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me = await make.person()
    others = await make.people(5)
    ids = []
    for other in others:
        ids.append((await started(client, me, people=[other.id], body="hi"))["conversation"]["id"])
    await send(client, others[0], ids[0], "bump")
    first = await client.get("/api/conversations", params={"limit": 3}, headers=me.headers)
    page = first.json()
    assert [c["id"] for c in page["conversations"]] == [ids[0], ids[4], ids[3]]
    second = await client.get(
        "/api/conversations", params={"limit": 3, "cursor": page["next_cursor"]}, headers=me.headers
    )
    assert [c["id"] for c in second.json()["conversations"]] == [ids[2], ids[1]]
    assert second.json()["next_cursor"] is None


async def test_conversation_list_entry_has_a_one_line_preview(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b = await make.person(), await make.person()
    await started(client, a, people=[b.id], body="first line\nsecond line")
    entry = (await conversation_list(client, b))[0]
    assert entry["preview"] == {"text": "first line second line", "sender_id": a.id}
    assert entry["last_activity_at"] and entry["unread"] == 1


async def test_a_bad_list_cursor_is_refused(client: httpx.AsyncClient, make: Factory) -> None:
    me = await make.person()
    answer = await client.get("/api/conversations", params={"cursor": "garbage!"}, headers=me.headers)
    assert answer.status_code == 422 and error_of(answer)["code"] == "invalid_cursor"


async def test_a_conversation_names_its_creator_so_clients_know_who_may_close_it(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]
    assert group["kind"] == "group" and group["created_by"] == a.id
    seen_by_b = (await client.get(f"/api/conversations/{group['id']}", headers=b.headers)).json()
    assert seen_by_b["created_by"] == a.id
    assert [c["created_by"] for c in await conversation_list(client, b)] == [a.id]
