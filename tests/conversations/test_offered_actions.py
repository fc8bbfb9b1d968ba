"""Each conversation carries what the caller may do there: the decisions the requests themselves get."""

from __future__ import annotations

import httpx
import pytest

from schoolchat.conversations import queries
from tests.calls import conversation_list, send, started
from tests.factories import Factory, Person
from tests.spies import calls_of


async def _actions(client: httpx.AsyncClient, who: Person, conversation_id: int) -> dict[str, bool]:
    answer = await client.get(f"/api/conversations/{conversation_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["actions"]


async def test_a_group_offers_its_members_the_group_settings(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    offered = await _actions(client, b, cid)
    assert offered["send"] and offered["rename"] and offered["add_participants"] and offered["leave"]
    assert offered["report"] and offered["edit_own"]
    assert not offered["moderate"] and not offered["remove_participants"] and not offered["delete"]
    assert not offered["close"]  # only its creator (a), or staff in it
    assert (await _actions(client, a, cid))["close"]


async def test_a_course_conversation_offers_delete_and_close_to_its_teacher_only(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Biology", teachers=[teacher], students=[student])
    cid = (await started(client, teacher, courses=[course.id], mode="group"))["conversation"]["id"]
    theirs, mine = await _actions(client, teacher, cid), await _actions(client, student, cid)
    assert theirs["delete"] and theirs["close"] and theirs["moderate"] and theirs["see_reads"]
    assert not mine["delete"] and not mine["close"] and not mine["moderate"] and not mine["see_reads"]
    assert not mine["leave"] and not mine["rename"]


async def test_what_is_offered_is_what_the_server_then_allows(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    course = await make.space("Biology", teachers=[teacher], students=[student])
    cid = (await started(client, teacher, courses=[course.id], mode="group"))["conversation"]["id"]
    assert not (await _actions(client, student, cid))["close"]
    assert (await client.post(f"/api/conversations/{cid}/close", headers=student.headers)).status_code == 403
    closed = await client.post(f"/api/conversations/{cid}/close", headers=teacher.headers)
    assert closed.status_code == 200
    assert closed.json()["actions"]["send"] is False and closed.json()["actions"]["edit_own"] is False
    assert (await send(client, teacher, cid, "still there?")).status_code == 409


async def test_the_list_carries_the_same_actions_as_the_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b = await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id], body="hi"))["conversation"]["id"]
    listed = (await client.get("/api/conversations", headers=b.headers)).json()["conversations"]
    assert [entry["actions"] for entry in listed if entry["id"] == cid] == [await _actions(client, b, cid)]


async def test_entries_in_the_same_standing_share_actions_worked_out_once(
    client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = await make.person()
    for _ in range(3):
        await started(client, a, people=[(await make.person()).id], body="hi")
    queries._actions.cache_clear()
    decided = calls_of(monkeypatch, queries, "offers")
    listed = await conversation_list(client, a)
    assert len(listed) == 3 and len(decided) == 1
    assert all(entry["actions"] == listed[0]["actions"] for entry in listed) and listed[0]["actions"]["send"]


async def test_me_says_whether_working_hours_may_be_set(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, student = await make.person(role="teacher"), await make.person()
    assert (await client.get("/api/me", headers=teacher.headers)).json()["may_set_working_hours"] is True
    assert (await client.get("/api/me", headers=student.headers)).json()["may_set_working_hours"] is False


async def test_me_says_whether_the_admin_tools_are_offered(client: httpx.AsyncClient, make: Factory) -> None:
    admin, teacher = await make.person(role="admin"), await make.person(role="teacher")
    assert (await client.get("/api/me", headers=admin.headers)).json()["may_administer"] is True
    assert (await client.get("/api/me", headers=teacher.headers)).json()["may_administer"] is False
