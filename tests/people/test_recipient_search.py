"""§5.1 step 3 (issue 5 item 8): "search for an individual person by name, a course name, or a project name" —
its own endpoint, offering only what the caller may message: whatever it offers, a send to it is accepted."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from schoolchat.people.models import users
from schoolchat.services import Services
from tests.calls import start
from tests.factories import Factory, Person


async def recipients(client: httpx.AsyncClient, who: Person, q: str) -> dict[str, Any]:
    answer = await client.get("/api/recipients", params={"q": q}, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def names(found: dict[str, Any], kind: str) -> list[str]:
    return [hit["name"] for hit in found[kind]]


async def test_people_are_found_by_any_part_of_their_name_ignoring_case(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me = await make.person("Emma Hansen")
    await make.person("Noah Olsen")
    await make.person("Anna Nordahl")
    assert names(await recipients(client, me, "NO"), "people") == ["Anna Nordahl", "Noah Olsen"]
    assert names(await recipients(client, me, "olse"), "people") == ["Noah Olsen"]


async def test_only_courses_and_projects_the_caller_takes_part_in_are_offered(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, other = await make.person(), await make.person()
    await make.space("Chemistry A", students=[me])
    await make.space("Chemistry B", students=[other])
    await make.space("Chemistry club", kind="project", students=[me])
    found = await recipients(client, me, "chem")
    assert names(found, "courses") == ["Chemistry A"] and names(found, "projects") == ["Chemistry club"]
    assert found["courses"][0]["participant_count"] == 1


async def test_the_caller_strangers_and_deactivated_people_are_not_offered(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    me = await make.person("Kim Self")
    await make.person("Kim Stranger", school=make.other_school)
    gone = await make.person("Kim Gone")
    async with services.db.write() as tx:
        await tx.conn.execute(update(users).where(users.c.id == gone.id).values(is_active=False))
    assert names(await recipients(client, me, "kim"), "people") == []


async def test_everything_offered_can_be_messaged(client: httpx.AsyncClient, make: Factory) -> None:
    me = await make.person("Vera Teacher", "teacher")
    classmates = [await make.person(f"Vik {n}") for n in range(3)]
    course = await make.space("Vikings", teachers=[me], students=classmates)
    await make.space("Viking ships", kind="project", teachers=[me], students=classmates[:2])
    await make.person("Vik Elsewhere", school=make.other_school)
    found = await recipients(client, me, "vik")
    assert len(found["people"]) == 3 and names(found, "courses") == ["Vikings"]
    for person in found["people"]:
        answer = await start(client, me, people=[person["id"]], body="hello")
        assert answer.status_code in (200, 201), answer.text
    for kind in ("courses", "projects"):
        for space in found[kind]:
            answer = await start(client, me, **{kind: [space["id"]]}, mode="group", body="hello all")
            assert answer.status_code in (200, 201), answer.text
    assert course.id == found["courses"][0]["id"]


async def test_the_recipient_search_needs_a_signed_in_caller_with_messaging(
    client: httpx.AsyncClient, make: Factory
) -> None:
    assert (await client.get("/api/recipients", params={"q": "a"})).status_code == 401
    muted = await make.person(messaging_disabled=True)
    assert (await client.get("/api/recipients", params={"q": "a"}, headers=muted.headers)).status_code == 403
