"""§5.3 search through the API: within one conversation and across all, over text, attachment names and links;
newest first with highlighted words; only what the caller may see; and what is never searchable."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from schoolchat.policy.search import is_searchable
from tests.attachments import samples
from tests.attachments.calls import sent_files, uploaded
from tests.calls import error_of, sent, started
from tests.factories import Factory, Person


async def search(
    client: httpx.AsyncClient, who: Person, q: str, conversation_id: int | None = None, **params: Any
) -> dict[str, Any]:
    path = "/api/search" if conversation_id is None else f"/api/conversations/{conversation_id}/search"
    answer = await client.get(path, params={"q": q, **params}, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def bodies(page: dict[str, Any]) -> list[str]:
    return [hit["message"]["body"] for hit in page["hits"]]


async def _group(client: httpx.AsyncClient, make: Factory, *members: Person, name: str = "Lab team") -> int:
    return (await started(client, members[0], people=[m.id for m in members[1:]], mode="group", name=name))[
        "conversation"
    ]["id"]


async def test_search_across_all_conversations_finds_text_newest_first(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, lina, ola = (
        await make.person("Emma"),
        await make.person("Noah"),
        await make.person("Lina"),
        await make.person("Ola"),
    )
    first = await _group(client, make, emma, noah, ola)
    second = await _group(client, make, emma, lina, ola, name="Trip")
    await sent(client, emma, first, "The deadline is Monday")
    await sent(client, lina, second, "Is the deadline still Monday?")
    await sent(client, noah, first, "Unrelated words")
    page = await search(client, emma, "deadline")
    assert bodies(page) == ["Is the deadline still Monday?", "The deadline is Monday"]
    assert [hit["conversation"] for hit in page["hits"]] == [
        {"id": second, "kind": "group", "name": "Trip", "space_id": None},
        {"id": first, "kind": "group", "name": "Lab team", "space_id": None},
    ]


async def test_search_within_one_conversation_stays_in_it(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, lina = await make.person(), await make.person(), await make.person()
    first = await _group(client, make, emma, noah)
    second = await _group(client, make, emma, lina)
    await sent(client, emma, first, "bring the permission slips")
    await sent(client, emma, second, "permission granted")
    assert bodies(await search(client, emma, "permission", first)) == ["bring the permission slips"]


async def test_matching_words_are_highlighted_and_the_rest_escaped(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    await sent(client, emma, conversation, "<b>Read</b> chapter 4 before next lesson, and reread chapter 5")
    hit = (await search(client, noah, "chapter rea"))["hits"][0]
    assert hit["snippet"] == (
        "&lt;b&gt;<mark>Read</mark>&lt;/b&gt; <mark>chapter</mark> 4 before next lesson, "
        "and reread <mark>chapter</mark> 5"
    )


async def test_every_word_must_match_ignoring_case_and_accents_the_last_as_a_prefix(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    await sent(client, emma, conversation, "Les élèves partent à 8h15")
    await sent(client, emma, conversation, "Les professeurs restent")
    assert bodies(await search(client, noah, "les ELEV")) == ["Les élèves partent à 8h15"]
    assert bodies(await search(client, noah, "LES")) == [
        "Les professeurs restent",
        "Les élèves partent à 8h15",
    ]
    assert bodies(await search(client, noah, "elev les")) == []  # only the last word may be a word's start


async def test_attachment_names_are_searchable(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    file = await uploaded(client, emma, "Photosynthesis worksheet.pdf", samples.PDF)
    message = await sent_files(client, emma, conversation, [file["id"]])
    hit = (await search(client, noah, "photosynth"))["hits"][0]
    assert hit["message"]["id"] == message["id"] and hit["message"]["attachments"] == [file]
    assert hit["snippet"] == "<mark>Photosynthesis</mark> worksheet.pdf"


async def test_links_are_searchable(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    await sent(client, emma, conversation, "Reading list: https://example.org/biology/reading-list")
    await sent(client, emma, conversation, "no link here")
    assert len((await search(client, noah, "example.org/biology"))["hits"]) == 1
    assert len((await search(client, noah, "https://example.org"))["hits"]) == 1


async def test_emojis_are_not_searchable(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    await sent(client, emma, conversation, "🎉🎉")
    await sent(client, emma, conversation, "party 🎉 tonight")
    assert (await search(client, noah, "🎉"))["hits"] == []
    assert (await search(client, noah, "🎉", conversation))["hits"] == []
    assert bodies(await search(client, noah, "party🎉")) == ["party 🎉 tonight"]


async def test_a_deleted_message_disappears_from_search(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    message = await sent(client, emma, conversation, "secret plan")
    file = await uploaded(client, emma, "secret map.png", samples.PNG)
    with_file = await sent_files(client, emma, conversation, [file["id"]])
    for deleted in (message, with_file):
        assert (
            await client.delete(f"/api/messages/{deleted['id']}", headers=emma.headers)
        ).status_code == 200
    assert (await search(client, noah, "secret"))["hits"] == []


async def test_an_edited_message_is_found_by_its_new_words_only(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    message = await sent(client, emma, conversation, "meet at the libary")
    await client.patch(
        f"/api/messages/{message['id']}", json={"body": "meet at the library"}, headers=emma.headers
    )
    assert (await search(client, noah, "libary"))["hits"] == []
    assert bodies(await search(client, noah, "library")) == ["meet at the library"]


def test_system_notices_and_mass_message_conversations_are_not_searchable() -> None:
    assert is_searchable("course", system_notice=False)
    assert not is_searchable("course", system_notice=True)  # weekly course updates and other notices
    assert not is_searchable("mass", system_notice=False)  # mass message conversations (§6.5)
    for kind in ("direct", "group", "course", "project", "individual"):
        assert is_searchable(kind, system_notice=False)


async def test_results_page_newest_first_with_a_cursor(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person(), await make.person()
    conversation = await _group(client, make, emma, noah)
    for number in range(5):
        await sent(client, emma, conversation, f"homework {number}")
    first = await search(client, noah, "homework", limit=3)
    assert bodies(first) == ["homework 4", "homework 3", "homework 2"]
    second = await search(client, noah, "homework", limit=3, before_id=first["next_before_id"])
    assert bodies(second) == ["homework 1", "homework 0"] and second["next_before_id"] is None


# ---- only what the caller may see (access matrix for search) ----------------------------------------------------


@pytest.fixture
async def world(client: httpx.AsyncClient, make: Factory) -> dict[str, Any]:
    member, peer, former = await make.person("Mia"), await make.person("Pia"), await make.person("Fred")
    outsider = await make.person("Oscar")
    other_teacher = await make.person("Otto", "teacher")
    admin = await make.person("Sam", "admin")
    other_admin = await make.person("Olga", "admin", school=make.other_school)
    conversation = await _group(client, make, member, peer, former)
    await sent(client, member, conversation, "zebra secret")
    assert (
        await client.post(f"/api/conversations/{conversation}/leave", headers=former.headers)
    ).status_code in (200, 204)
    return {
        "conversation": conversation,
        "member": member,
        "former": former,
        "outsider": outsider,
        "other_teacher": other_teacher,
        "admin": admin,
        "other_admin": other_admin,
    }


@pytest.mark.parametrize("caller", ["former", "outsider", "other_teacher", "admin", "other_admin"])
async def test_search_never_finds_what_the_caller_cannot_see(
    client: httpx.AsyncClient, world: dict[str, Any], caller: str
) -> None:
    who = world[caller]
    assert (await search(client, who, "zebra"))["hits"] == []
    inside = await client.get(
        f"/api/conversations/{world['conversation']}/search", params={"q": "zebra"}, headers=who.headers
    )
    assert inside.status_code == 404 and error_of(inside)["code"] == "not_found"


async def test_the_member_finds_it_and_anonymous_callers_are_turned_away(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    assert bodies(await search(client, world["member"], "zebra")) == ["zebra secret"]
    assert bodies(await search(client, world["member"], "zebra", world["conversation"])) == ["zebra secret"]
    for path in ("/api/search", f"/api/conversations/{world['conversation']}/search"):
        assert (await client.get(path, params={"q": "zebra"})).status_code == 401


async def test_a_missing_conversation_is_the_same_404(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    answer = await client.get(
        "/api/conversations/987654/search", params={"q": "zebra"}, headers=world["member"].headers
    )
    assert answer.status_code == 404


async def test_a_moderated_message_disappears_from_search_and_takes_its_files(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student, other = await make.person(role="teacher"), await make.person(), await make.person()
    course = await make.space("Physics", teachers=[teacher], students=[student, other])
    conversation = (await started(client, teacher, courses=[course.id], mode="group"))["conversation"]["id"]
    file = await uploaded(client, student, "rude drawing.png", samples.PNG)
    message = await sent_files(client, student, conversation, [file["id"]], "something rude")
    removed = await client.post(
        f"/api/messages/{message['id']}/moderate", json={"confirm": True}, headers=teacher.headers
    )
    assert removed.status_code == 200, removed.text
    assert (await search(client, other, "rude"))["hits"] == []
    assert (await search(client, other, "drawing", conversation))["hits"] == []
    assert (await client.get(f"/api/attachments/{file['id']}", headers=other.headers)).status_code == 404
