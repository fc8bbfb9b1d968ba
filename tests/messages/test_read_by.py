""" "Read by X of Y" (issue 13): the sender of a mass message, and a teacher on their own messages in a course
conversation, see who has read them, from the read cursors; students never see others' read state."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.calls import error_of, history, sent, started
from tests.factories import Factory, Person


async def _reads(
    client: httpx.AsyncClient, who: Person, conversation_id: int, message_id: int, **params: Any
) -> httpx.Response:
    return await client.get(
        f"/api/conversations/{conversation_id}/messages/{message_id}/reads",
        params=params,
        headers=who.headers,
    )


async def _read_by(client: httpx.AsyncClient, who: Person, conversation_id: int, message_id: int) -> Any:
    page = await history(client, who, conversation_id, read_by="true")
    return next(m for m in page["messages"] if m["id"] == message_id).get("read_by")


async def _read(client: httpx.AsyncClient, who: Person, conversation_id: int) -> None:
    answer = await client.post(f"/api/conversations/{conversation_id}/read", headers=who.headers)
    assert answer.status_code == 200, answer.text


async def _space_of(client: httpx.AsyncClient, who: Person, conversation_id: int) -> int:
    return (await client.get(f"/api/conversations/{conversation_id}", headers=who.headers)).json()["space_id"]


async def _course(
    client: httpx.AsyncClient, make: Factory, students: int = 3
) -> tuple[Person, list[Person], int, dict[str, Any]]:
    teacher = await make.person("Maria Jensen", "teacher")
    pupils = [await make.person(f"Pupil {letter}") for letter in "ABCDEFG"[:students]]
    course = await make.space("Biology", teachers=[teacher], students=pupils)
    started_ = await started(client, teacher, courses=[course.id], mode="group", body="Homework: page 12")
    return teacher, pupils, started_["conversation"]["id"], started_["message"]


async def test_teacher_sees_who_read_their_message_in_a_course_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, (ann, ben, cid_), conversation, message = await _course(client, make)
    await _read(client, ann, conversation)
    await _read(client, cid_, conversation)
    assert await _read_by(client, teacher, conversation, message["id"]) == {
        "read": 2,
        "total": 3,
        "text": "Read by 2 of 3",
    }
    have_read = (await _reads(client, teacher, conversation, message["id"])).json()
    not_read = (await _reads(client, teacher, conversation, message["id"], state="unread")).json()
    assert [p["name"] for p in have_read["people"]] == ["Pupil A", "Pupil C"]
    assert [p["name"] for p in not_read["people"]] == ["Pupil B"]
    assert (have_read["text"], not_read["next_after"]) == ("Read by 2 of 3", None)


async def test_the_list_of_readers_is_paginated(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, pupils, conversation, message = await _course(client, make, students=5)
    first = (await _reads(client, teacher, conversation, message["id"], state="unread", limit=2)).json()
    second = (
        await _reads(
            client, teacher, conversation, message["id"], state="unread", limit=2, after=first["next_after"]
        )
    ).json()
    third = (
        await _reads(
            client, teacher, conversation, message["id"], state="unread", limit=2, after=second["next_after"]
        )
    ).json()
    names = [p["name"] for page in (first, second, third) for p in page["people"]]
    assert names == [p.name for p in pupils] and third["next_after"] is None


async def test_mass_message_sender_sees_how_many_recipients_read_it(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    district_admin = await make.person("Dina District", "admin", school=make.district)
    await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": True}, headers=district_admin.headers
    )
    reader, other = await make.person("Rita Reader"), await make.person("Olav Other")
    accepted = await client.post(
        "/api/mass-messages",
        json={"org_ids": [make.school], "roles": ["student"], "body": "School is closed tomorrow."},
        headers=admin.headers,
    )
    await app.state.mass_messages.drain()
    job = accepted.json()
    await _read(client, reader, job["conversation_id"])
    assert await _read_by(client, admin, job["conversation_id"], job["message_id"]) == {
        "read": 1,
        "total": 2,
        "text": "Read by 1 of 2",
    }
    not_read = (await _reads(client, admin, job["conversation_id"], job["message_id"], state="unread")).json()
    assert [p["id"] for p in not_read["people"]] == [other.id]
    count_alone = (await _reads(client, admin, job["conversation_id"], job["message_id"], limit=0)).json()
    assert (count_alone["text"], count_alone["people"], count_alone["next_after"]) == (
        "Read by 1 of 2",
        [],
        None,
    )


async def test_students_never_see_read_state(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, (ann, ben, _), conversation, message = await _course(client, make)
    own = await sent(client, ann, conversation, "Which page?")
    await _read(client, ben, conversation)
    assert await _read_by(client, ann, conversation, own["id"]) is None
    assert await _read_by(client, ann, conversation, message["id"]) is None
    for message_id in (own["id"], message["id"]):
        refused = await _reads(client, ann, conversation, message_id)
        assert (refused.status_code, error_of(refused)["code"]) == (403, "reads_not_available")


async def test_read_counts_are_only_for_the_senders_own_messages_in_courses_and_mass_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, colleague = (
        await make.person("Maria Jensen", "teacher"),
        await make.person("Tor Teacher", "teacher"),
    )
    student = await make.person("Sia Student")
    course = await make.space("Biology", teachers=[teacher, colleague], students=[student])
    in_course = await started(client, teacher, courses=[course.id], mode="group", body="Hello class")
    conversation = in_course["conversation"]["id"]
    assert (await _reads(client, colleague, conversation, in_course["message"]["id"])).status_code == 403
    group = await started(client, teacher, people=[student.id, colleague.id], mode="group", body="Hi both")
    assert (
        await _reads(client, teacher, group["conversation"]["id"], group["message"]["id"])
    ).status_code == 403
    stranger = await make.person("Sam Stranger", "teacher")
    assert (await _reads(client, stranger, conversation, in_course["message"]["id"])).status_code == 404


async def test_read_counts_follow_the_cursors_back_and_forth(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, (ann, ben, _), conversation, message = await _course(client, make)
    later = await sent(client, teacher, conversation, "Also page 13")
    await _read(client, ann, conversation)
    assert (await _read_by(client, teacher, conversation, later["id"]))["read"] == 1
    unread = await client.post(f"/api/messages/{message['id']}/unread", headers=ann.headers)
    assert unread.status_code == 200, unread.text
    assert (await _read_by(client, teacher, conversation, message["id"]))["read"] == 0
    assert (await _read_by(client, teacher, conversation, later["id"]))["read"] == 0
    up_to = await client.post(
        f"/api/conversations/{conversation}/read", json={"up_to_seq": message["seq"]}, headers=ann.headers
    )
    assert up_to.status_code == 200
    assert (await _read_by(client, teacher, conversation, message["id"]))["read"] == 1
    assert (await _read_by(client, teacher, conversation, later["id"]))["read"] == 0


async def test_people_who_joined_after_a_message_are_not_counted_as_its_recipients(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, _, conversation, message = await _course(client, make, students=2)
    admin = await make.person("Ada Admin", "admin")
    newcomer = await make.person("Nora Newcomer")
    enrolled = await client.put(
        f"/api/admin/spaces/{(await _space_of(client, teacher, conversation))}/members/{newcomer.id}",
        json={"role": "student"},
        headers=admin.headers,
    )
    assert enrolled.status_code == 204, enrolled.text
    assert await _read_by(client, teacher, conversation, message["id"]) == {
        "read": 0,
        "total": 2,
        "text": "Read by 0 of 2",
    }


async def test_the_teacher_is_told_live_when_someone_reads_their_message(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, (ann, ben, _), conversation, message = await _course(client, make)
    latest = (await client.get("/api/events", params={"after": 0}, headers=teacher.headers)).json()[
        "latest_id"
    ]
    await _read(client, ann, conversation)
    events = (await client.get("/api/events", params={"after": latest}, headers=teacher.headers)).json()[
        "events"
    ]
    changed = [e for e in events if e["type"] == "reads.changed"]
    assert [e["payload"] for e in changed] == [
        {"conversation_id": conversation, "message_ids": [message["id"]]}
    ]
    seen_by_ben = (await client.get("/api/events", params={"after": latest}, headers=ben.headers)).json()[
        "events"
    ]
    assert not [e for e in seen_by_ben if e["type"] == "reads.changed"]
