"""§4.1: the five conversation types, started through §5.1's "New message"."""

from __future__ import annotations

import httpx

from tests.calls import conversation_list, error_of, history, send, sent, start, started
from tests.factories import Factory


async def test_one_to_one_conversation_is_between_two_people(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person("Emma"), await make.person("Noah")
    result = await started(client, emma, people=[noah.id], body="Hi Noah")
    assert result["conversation"]["kind"] == "direct"
    assert result["conversation"]["name"] == "Noah"
    assert [c["name"] for c in await conversation_list(client, noah)] == ["Emma"]


async def test_one_to_one_conversation_is_reused_for_the_same_pair(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person(), await make.person()
    first = await started(client, emma, people=[noah.id], body="one")
    second = await started(client, noah, people=[emma.id], body="two")
    assert first["conversation"]["id"] == second["conversation"]["id"]
    assert second["created"] is False
    assert len(await conversation_list(client, emma)) == 1


async def test_group_conversation_lets_all_members_see_all_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person("Ann"), await make.person("Ben"), await make.person("Cid")
    group = await started(client, a, people=[b.id, c.id], mode="group", body="hello all")
    conversation_id = group["conversation"]["id"]
    await sent(client, b, conversation_id, "hi from Ben")
    for person in (a, b, c):
        bodies = [m["body"] for m in (await history(client, person, conversation_id))["messages"]]
        assert bodies == ["hi from Ben", "hello all"]


async def test_group_conversation_without_a_name_is_named_after_its_participants(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person("Ann"), await make.person("Ben"), await make.person("Cid")
    group = await started(client, a, people=[b.id, c.id], mode="group", body="x")
    assert group["conversation"]["name"] == "Ben, Cid"
    assert (await conversation_list(client, b))[0]["name"] == "Ann, Cid"


async def test_group_conversation_can_be_given_a_name(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = await started(client, a, people=[b.id, c.id], mode="group", name="Lab partners", body="x")
    assert group["conversation"]["name"] == "Lab partners"


async def test_course_conversation_includes_all_current_course_participants(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person("Ms Teacher", "teacher")
    students = await make.people(3)
    course = await make.space("Biology", teachers=[teacher], students=students)
    result = await started(client, teacher, courses=[course.id], mode="group", body="Welcome")
    assert result["conversation"]["kind"] == "course"
    assert result["conversation"]["name"] == "Biology"
    for student in students:
        assert [c["id"] for c in await conversation_list(client, student)] == [result["conversation"]["id"]]


async def test_there_is_one_course_conversation_per_course(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("History", teachers=[teacher], students=[student])
    first = await started(client, teacher, courses=[course.id], mode="group", body="one")
    second = await started(client, student, courses=[course.id], mode="group", body="two")
    assert first["conversation"]["id"] == second["conversation"]["id"]


async def test_new_students_joining_the_course_join_its_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await make.person(role="admin")
    teacher, newcomer = await make.person(role="teacher"), await make.person("New Student")
    course = await make.space("Chemistry", teachers=[teacher])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="hi"))[
        "conversation"
    ]
    enrol = await client.put(
        f"/api/admin/spaces/{course.id}/members/{newcomer.id}",
        json={"role": "student"},
        headers=admin.headers,
    )
    assert enrol.status_code == 204
    assert [c["id"] for c in await conversation_list(client, newcomer)] == [conversation["id"]]
    assert (await history(client, newcomer, conversation["id"]))["messages"][0]["body"] == "hi"
    assert (await send(client, newcomer, conversation["id"], "hello")).status_code == 201


async def test_students_leaving_the_course_leave_its_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await make.person(role="admin")
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Physics", teachers=[teacher], students=[student])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="hi"))[
        "conversation"
    ]
    out = await client.delete(f"/api/admin/spaces/{course.id}/members/{student.id}", headers=admin.headers)
    assert out.status_code == 204
    assert await conversation_list(client, student) == []
    assert (
        error_of(await send(client, student, conversation["id"], "still here?"))["code"]
        == "not_a_participant"
    )


async def test_project_conversation_holds_the_project_group(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, a, b = await make.person(role="teacher"), await make.person(), await make.person()
    outsider = await make.person()
    project = await make.space("Science Fair", kind="project", teachers=[teacher], students=[a, b])
    result = await started(client, a, projects=[project.id], mode="group", body="Ideas?")
    assert result["conversation"]["kind"] == "project"
    assert len(await conversation_list(client, b)) == 1
    assert await conversation_list(client, outsider) == []


async def test_individual_messages_create_a_separate_one_to_one_with_each_recipient(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person("Teacher", "teacher")
    a, b, c = await make.person("Ann"), await make.person("Ben"), await make.person("Cid")
    result = await started(
        client, teacher, people=[a.id, b.id, c.id], mode="individual", body="Your grade is in"
    )
    assert result["conversation"]["kind"] == "individual"
    for student in (a, b, c):
        listing = await conversation_list(client, student)
        assert [(item["kind"], item["name"]) for item in listing] == [("direct", "Teacher")]
        assert listing[0]["preview"]["text"] == "Your grade is in"


async def test_individual_messages_appear_to_the_sender_as_sent_to_x_people(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    students = await make.people(3)
    result = await started(client, teacher, people=[s.id for s in students], mode="individual", body="x")
    assert result["conversation"]["name"] == "Sent to 3 people"
    assert "Sent to 3 people" in [c["name"] for c in await conversation_list(client, teacher)]


async def test_sent_to_x_people_follows_the_senders_language_when_they_switch(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    students = await make.people(3)
    await started(client, teacher, people=[s.id for s in students], mode="individual", body="x")
    chosen = await client.put("/api/me/language", json={"language": "nn"}, headers=teacher.headers)
    assert chosen.status_code == 200, chosen.text
    assert "Sendt til 3 personar" in [c["name"] for c in await conversation_list(client, teacher)]


async def test_replies_to_individual_messages_stay_private(client: httpx.AsyncClient, make: Factory) -> None:
    teacher = await make.person(role="teacher")
    a, b = await make.person(), await make.person()
    await started(client, teacher, people=[a.id, b.id], mode="individual", body="question")
    a_direct = (await conversation_list(client, a))[0]["id"]
    await sent(client, a, a_direct, "my private answer")
    b_direct = (await conversation_list(client, b))[0]["id"]
    assert [m["body"] for m in (await history(client, b, b_direct))["messages"]] == ["question"]


async def test_a_follow_up_in_sent_to_x_people_reaches_each_one_to_one(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    a, b = await make.person(), await make.person()
    batch = (await started(client, teacher, people=[a.id, b.id], mode="individual", body="first"))[
        "conversation"
    ]
    await sent(client, teacher, batch["id"], "second")
    for student in (a, b):
        direct = (await conversation_list(client, student))[0]["id"]
        assert [m["body"] for m in (await history(client, student, direct))["messages"]] == [
            "second",
            "first",
        ]


async def test_starting_without_a_message_opens_the_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    answer = await start(client, a, people=[b.id, c.id], mode="group")
    assert answer.status_code == 201
    assert answer.json()["message"] is None
    assert answer.json()["conversation"]["preview"] is None


async def test_individual_messages_leave_the_senders_list_one_sent_to_x_people_entry(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    students = await make.people(3)
    await started(client, teacher, people=[s.id for s in students], mode="individual", body="x")
    assert [(c["kind"], c["name"]) for c in await conversation_list(client, teacher)] == [
        ("individual", "Sent to 3 people")
    ]


async def test_sent_to_x_people_names_each_recipients_one_to_one(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    ann, ben = await make.person("Ann"), await make.person("Ben")
    batch = (await started(client, teacher, people=[ann.id, ben.id], mode="individual", body="x"))[
        "conversation"
    ]
    ann_direct = (await conversation_list(client, ann))[0]["id"]
    ben_direct = (await conversation_list(client, ben))[0]["id"]
    answer = await client.get(f"/api/conversations/{batch['id']}", headers=teacher.headers)
    assert answer.json()["recipients"] == [
        {"id": ann.id, "name": "Ann", "conversation_id": ann_direct},
        {"id": ben.id, "name": "Ben", "conversation_id": ben_direct},
    ]


async def test_an_answer_brings_the_one_to_one_into_the_senders_list(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person("Teacher", role="teacher")
    ann, ben = await make.person("Ann"), await make.person("Ben")
    await started(client, teacher, people=[ann.id, ben.id], mode="individual", body="question")
    await sent(client, ann, (await conversation_list(client, ann))[0]["id"], "my answer")
    assert [(c["kind"], c["name"]) for c in await conversation_list(client, teacher)] == [
        ("direct", "Ann"),
        ("individual", "Sent to 2 people"),
    ]


async def test_a_one_to_one_with_earlier_history_keeps_its_entry_after_individual_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person("Teacher", role="teacher")
    ann, ben = await make.person("Ann"), await make.person("Ben")
    await started(client, teacher, people=[ann.id], body="hello Ann")
    await started(client, teacher, people=[ann.id, ben.id], mode="individual", body="question")
    assert sorted(c["name"] for c in await conversation_list(client, teacher)) == ["Ann", "Sent to 2 people"]
