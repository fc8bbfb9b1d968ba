"""Teachers' working hours (issue 13): set in the teacher's own settings; someone writing to them outside those
hours sees "Maria Jensen usually answers between 08:00 and 16:00" with the conversation, on the school's clock.

The hours are set around the real current time (the service reads the clock itself): an hour either side of
now is inside, two to three hours ahead is outside.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.calls import error_of, started
from tests.factories import Factory, Person

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]


def _around_now(time_zone: str, start_hours: float, end_hours: float) -> dict[str, Any]:
    now = datetime.now(ZoneInfo(time_zone))
    clock = lambda delta: (now + timedelta(hours=delta)).strftime("%H:%M")
    return {"start": clock(start_hours), "end": clock(end_hours), "days": EVERY_DAY}


async def _set_hours(client: httpx.AsyncClient, who: Person, hours: dict[str, Any]) -> httpx.Response:
    return await client.put("/api/me/working-hours", json=hours, headers=who.headers)


async def _notice(client: httpx.AsyncClient, who: Person, conversation_id: int) -> str | None:
    answer = await client.get(f"/api/conversations/{conversation_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["working_hours_notice"]


async def _school_clock(client: httpx.AsyncClient, make: Factory, time_zone: str) -> None:
    admin = await make.person("Ada Admin", "admin")
    changed = await client.patch(
        f"/api/admin/orgs/{make.school}", json={"time_zone": time_zone}, headers=admin.headers
    )
    assert changed.status_code == 204, changed.text


async def test_writing_to_a_teacher_outside_their_hours_shows_when_they_usually_answer(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    hours = _around_now("Europe/Oslo", 2, 3)
    assert (await _set_hours(client, teacher, hours)).status_code == 200
    conversation = await started(client, student, people=[teacher.id], body="Is there homework?")
    cid = conversation["conversation"]["id"]
    expected = f"Maria Jensen usually answers between {hours['start']} and {hours['end']}"
    assert await _notice(client, student, cid) == expected
    listed = (await client.get("/api/conversations", headers=student.headers)).json()["conversations"]
    assert [c["working_hours_notice"] for c in listed if c["id"] == cid] == [expected]
    assert await _notice(client, teacher, cid) is None  # never about yourself


async def test_the_notice_is_shown_before_the_first_message_too(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    hours = _around_now("Europe/Oslo", 2, 3)
    await _set_hours(client, teacher, hours)
    options = await client.post(
        "/api/recipients/options", json={"people": [teacher.id]}, headers=student.headers
    )
    assert options.json()["working_hours_notice"] == (
        f"Maria Jensen usually answers between {hours['start']} and {hours['end']}"
    )
    await _set_hours(client, teacher, _around_now("Europe/Oslo", -1, 1))
    options = await client.post(
        "/api/recipients/options", json={"people": [teacher.id]}, headers=student.headers
    )
    assert options.json()["working_hours_notice"] is None


async def test_inside_the_teachers_hours_there_is_no_notice(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    await _set_hours(client, teacher, _around_now("Europe/Oslo", -1, 1))
    cid = (await started(client, student, people=[teacher.id], body="Hi"))["conversation"]["id"]
    assert await _notice(client, student, cid) is None


async def test_a_teacher_without_working_hours_shows_no_notice(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    await _set_hours(client, teacher, _around_now("Europe/Oslo", 2, 3))
    assert (await client.delete("/api/me/working-hours", headers=teacher.headers)).status_code == 204
    cid = (await started(client, student, people=[teacher.id], body="Hi"))["conversation"]["id"]
    assert await _notice(client, student, cid) is None
    assert (await client.get("/api/me/working-hours", headers=teacher.headers)).json() == {
        "working_hours": None,
        "time_zone": "Europe/Oslo",
    }


async def test_working_hours_are_read_on_the_schools_clock(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    await _school_clock(client, make, "UTC")
    await _set_hours(client, teacher, _around_now("UTC", -1, 1))  # inside, on a UTC clock
    cid = (await started(client, student, people=[teacher.id], body="Hi"))["conversation"]["id"]
    assert await _notice(client, student, cid) is None
    await _school_clock(client, make, "Asia/Tokyo")  # the same hours are nine hours away in Tokyo
    assert (await _notice(client, student, cid) or "").startswith("Maria Jensen usually answers between")
    assert (await client.get("/api/me/working-hours", headers=teacher.headers)).json()[
        "time_zone"
    ] == "Asia/Tokyo"


async def test_the_notice_names_the_teacher_in_a_group_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student, peer = (
        await make.person("Maria Jensen", "teacher"),
        await make.person("Sia Student"),
        await make.person("Pia Peer"),
    )
    await _set_hours(client, teacher, _around_now("Europe/Oslo", 2, 3))
    cid = (await started(client, student, people=[teacher.id, peer.id], mode="group", body="Hi"))[
        "conversation"
    ]
    assert (await _notice(client, peer, cid["id"]) or "").startswith("Maria Jensen usually answers")


async def test_only_teachers_and_admins_set_working_hours(client: httpx.AsyncClient, make: Factory) -> None:
    student = await make.person("Sia Student")
    refused = await _set_hours(client, student, {"start": "08:00", "end": "16:00"})
    assert (refused.status_code, error_of(refused)["code"]) == (403, "forbidden")


async def test_working_hours_refuse_malformed_times(client: httpx.AsyncClient, make: Factory) -> None:
    teacher = await make.person("Maria Jensen", "teacher")
    for bad in (
        {"start": "8", "end": "16:00"},
        {"start": "08:00", "end": "24:00"},
        {"start": "08:00", "end": "08:00"},
        {"start": "08:00", "end": "16:00", "days": [0]},
        {"start": "08:00", "end": "16:00", "days": [1, 1]},
    ):
        answer = await _set_hours(client, teacher, bad)
        assert (answer.status_code, error_of(answer)["code"]) == (422, "invalid_request"), bad


async def test_a_school_time_zone_must_be_an_iana_name(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person("Ada Admin", "admin")
    for bad in ("Mars/Olympus", None, "+01:00"):
        answer = await client.patch(
            f"/api/admin/orgs/{make.school}", json={"time_zone": bad}, headers=admin.headers
        )
        assert answer.status_code == 422, (bad, answer.text)
