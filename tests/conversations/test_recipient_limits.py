"""§6.3 through the API: the options offered while composing, and what happens at send time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import func, select

from schoolchat.conversations.models import conversations
from schoolchat.messages.models import messages
from schoolchat.policy import texts
from schoolchat.services import Services
from tests.calls import error_of, start, started
from tests.factories import Factory, Person


async def _options(client: httpx.AsyncClient, who, **selection) -> dict:  # type: ignore[no-untyped-def]
    answer = await client.post("/api/recipients/options", json=selection, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_options_for_one_person_offer_no_choice(client: httpx.AsyncClient, make: Factory) -> None:
    me, other = await make.person(), await make.person()
    options = await _options(client, me, people=[other.id])
    assert options["choice_offered"] is False and options["modes"] == []
    assert options["unique_count"] == 1


async def test_options_for_two_people_offer_group_or_individual(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, a, b = await make.person(), await make.person(), await make.person()
    options = await _options(client, me, people=[a.id, b.id])
    assert options["modes"] == ["group", "individual"]


async def test_large_course_allows_the_course_conversation_only(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    course = await make.space("Assembly", teachers=[teacher], extra_student_ids=await make.bulk_students(301))
    options = await _options(client, teacher, courses=[course.id])
    assert options["choice_offered"] is False
    assert options["outcome"] == "Course conversation only."
    result = await started(client, teacher, courses=[course.id], body="Assembly at 9")
    assert result["conversation"]["kind"] == "course"


async def test_large_course_plus_another_person_cannot_be_sent_to(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, colleague = await make.person(role="teacher"), await make.person(role="teacher")
    course = await make.space("Assembly", teachers=[teacher], extra_student_ids=await make.bulk_students(301))
    options = await _options(client, teacher, courses=[course.id], people=[colleague.id])
    assert options["error"]["message"] == "You cannot send to more than 300 recipients."
    answer = await start(client, teacher, courses=[course.id], people=[colleague.id], mode="group", body="x")
    assert answer.status_code == 422
    assert error_of(answer)["code"] == "too_many_recipients"


async def test_combined_participants_over_300_fail_only_when_sending(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    first = await make.space("Year 9", teachers=[teacher], extra_student_ids=await make.bulk_students(200))
    second = await make.space("Year 8", teachers=[teacher], extra_student_ids=await make.bulk_students(150))
    options = await _options(client, teacher, courses=[first.id, second.id])
    assert options["choice_offered"] is True and options["error"] is None
    assert options["error_on_send"]["code"] == "too_many_recipients"
    assert options["unique_count"] == 350
    answer = await start(client, teacher, courses=[first.id, second.id], mode="individual", body="x")
    assert answer.status_code == 422
    assert error_of(answer)["message"] == "You cannot send to more than 300 recipients."
    listing = await client.get("/api/conversations", headers=teacher.headers)
    assert listing.json()["conversations"] == []


async def test_a_course_you_are_not_in_cannot_be_selected(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, outsider = await make.person(role="teacher"), await make.person()
    course = await make.space("Secret Club", teachers=[teacher])
    answer = await client.post(
        "/api/recipients/options", json={"courses": [course.id]}, headers=outsider.headers
    )
    assert answer.status_code == 404 and error_of(answer)["code"] == "recipient_not_found"


async def test_a_project_id_given_as_a_course_is_not_found(client: httpx.AsyncClient, make: Factory) -> None:
    student = await make.person()
    project = await make.space("Newspaper", kind="project", students=[student])
    answer = await client.post(
        "/api/recipients/options", json={"courses": [project.id]}, headers=student.headers
    )
    assert answer.status_code == 404


async def test_several_people_without_a_mode_must_choose(client: httpx.AsyncClient, make: Factory) -> None:
    me, a, b = await make.person(), await make.person(), await make.person()
    answer = await start(client, me, people=[a.id, b.id], body="hi")
    assert answer.status_code == 422 and error_of(answer)["code"] == "mode_required"


async def test_recipient_search_finds_people_courses_and_projects_by_name(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me = await make.person("Emma Hansen")
    noah = await make.person("Noah Olsen")
    await make.person("Nora Stranger", school=make.other_school)
    await make.space("Nordic History", students=[me, noah])
    await make.space("Nobel Project", kind="project", students=[me])
    answer = await client.get("/api/recipients", params={"q": "no"}, headers=me.headers)
    found = answer.json()
    assert [p["name"] for p in found["people"]] == ["Noah Olsen"]
    assert [c["name"] for c in found["courses"]] == ["Nordic History"]
    assert [p["name"] for p in found["projects"]] == ["Nobel Project"]


# ---- every row of §6.3 with every mode a client may send --------------------------------------------------------

Selection = dict[str, list[int]]


async def _one_person(make: Factory, teacher: Person) -> Selection:
    return {"people": [(await make.person()).id]}


async def _several_people(make: Factory, teacher: Person) -> Selection:
    return {"people": [(await make.person()).id, (await make.person()).id]}


async def _course_up_to_300(make: Factory, teacher: Person) -> Selection:
    course = await make.space("Small", teachers=[teacher], extra_student_ids=await make.bulk_students(3))
    return {"courses": [course.id]}


async def _course_over_300(make: Factory, teacher: Person) -> Selection:
    course = await make.space("Assembly", teachers=[teacher], extra_student_ids=await make.bulk_students(301))
    return {"courses": [course.id]}


async def _course_over_300_plus_others(make: Factory, teacher: Person) -> Selection:
    return {**await _course_over_300(make, teacher), "people": [(await make.person()).id]}


async def _combined_over_300(make: Factory, teacher: Person) -> Selection:
    first = await make.space("Year 9", teachers=[teacher], extra_student_ids=await make.bulk_students(160))
    second = await make.space("Year 8", teachers=[teacher], extra_student_ids=await make.bulk_students(160))
    return {"courses": [first.id, second.id]}


ROWS: dict[str, Callable[[Factory, Person], Awaitable[Selection]]] = {
    "one_person": _one_person,
    "several_people": _several_people,
    "course_up_to_300": _course_up_to_300,
    "course_over_300": _course_over_300,
    "course_over_300_plus_others": _course_over_300_plus_others,
    "combined_over_300": _combined_over_300,
}
# (row, mode) → the conversation kind the sender gets, or the refusal's code and the table's words.
OUTCOMES: dict[tuple[str, str | None], str | tuple[str, str]] = {
    ("one_person", None): "direct",
    ("one_person", "group"): "direct",
    ("one_person", "individual"): "direct",
    ("several_people", None): ("mode_required", texts.choose_mode()),
    ("several_people", "group"): "group",
    ("several_people", "individual"): "individual",
    ("course_up_to_300", None): ("mode_required", texts.choose_mode()),
    ("course_up_to_300", "group"): "course",
    ("course_up_to_300", "individual"): "individual",
    ("course_over_300", None): "course",
    ("course_over_300", "group"): "course",
    ("course_over_300", "individual"): ("course_conversation_only", texts.course_conversation_only()),
    **{
        ("course_over_300_plus_others", mode): ("too_many_recipients", texts.too_many_recipients())
        for mode in (None, "group", "individual")
    },
    **{
        ("combined_over_300", mode): ("too_many_recipients", texts.too_many_recipients())
        for mode in (None, "group", "individual")
    },
}


async def _stored(services: Services) -> tuple[int, int]:
    async with services.db.read() as conn:
        return (
            (await conn.execute(select(func.count()).select_from(conversations))).scalar_one(),
            (await conn.execute(select(func.count()).select_from(messages))).scalar_one(),
        )


@pytest.mark.parametrize(
    ("row", "mode"), list(OUTCOMES), ids=[f"{row}-{mode or 'no_mode'}" for row, mode in OUTCOMES]
)
async def test_every_row_of_the_table_holds_whatever_mode_the_client_asks_for(
    client: httpx.AsyncClient, make: Factory, services: Services, row: str, mode: str | None
) -> None:
    teacher = await make.person(role="teacher")
    selection = await ROWS[row](make, teacher)
    before = await _stored(services)
    answer = await start(client, teacher, mode=mode, body="Assembly at 9", **selection)
    expected = OUTCOMES[(row, mode)]
    if isinstance(expected, str):
        assert answer.status_code == 201, answer.text
        assert answer.json()["conversation"]["kind"] == expected
    else:
        assert answer.status_code == 422, answer.text
        assert (error_of(answer)["code"], error_of(answer)["message"]) == expected
        assert await _stored(services) == before  # nothing stored


async def test_course_over_300_participants_refuses_individual_mode(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    course = await make.space("Assembly", teachers=[teacher], extra_student_ids=await make.bulk_students(301))
    for body in ("Private to each of you", None):  # with a first message, and starting without one
        answer = await start(client, teacher, courses=[course.id], mode="individual", body=body)
        assert answer.status_code == 422
        assert error_of(answer)["message"] == texts.course_conversation_only()
    assert (await client.get("/api/conversations", headers=teacher.headers)).json()["conversations"] == []
