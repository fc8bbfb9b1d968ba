"""The API speaks the reader's language (issue 15): errors and §6.4 feedback follow the person's setting, else the
school's default, else Accept-Language; the login page too; and the event log keeps no sentence in any language."""

from __future__ import annotations

import json
import re
import string

import httpx
from sqlalchemy import select

from schoolchat.i18n.catalog import catalog_of
from schoolchat.realtime.models import events
from schoolchat.services import Services
from tests.calls import error_of, history, sent, start, started
from tests.factories import Factory, Person


async def _choose(client: httpx.AsyncClient, who: Person, language: str | None) -> None:
    answer = await client.put("/api/me/language", json={"language": language}, headers=who.headers)
    assert answer.status_code == 200, answer.text


async def _undeliverable(
    client: httpx.AsyncClient, who: Person, make: Factory, accept: str | None = None
) -> str:
    """The error of a 1:1 message to someone with messaging disabled (§6.4)."""
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    headers = {"Accept-Language": accept} if accept else {}
    answer = await client.post(
        "/api/conversations",
        headers={**who.headers, **headers},
        json={
            "recipients": {"people": [sofia.id], "courses": [], "projects": []},
            "message": {"body": "Hei", "client_message_id": None},
        },
    )
    assert answer.status_code == 403, answer.text
    return str(error_of(answer)["message"])


async def test_an_error_comes_in_the_language_the_person_chose(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person()
    await _choose(client, student, "nb")
    assert await _undeliverable(client, student, make, accept="en") == (
        "Meldingen din kan ikke leveres: Sofia Moen har meldinger slått av."
    )


async def test_an_error_comes_in_the_schools_language_without_a_setting(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, student = await make.person("Ada Admin", "admin"), await make.person()
    changed = await client.patch(
        f"/api/admin/orgs/{make.school}", json={"default_language": "nn"}, headers=admin.headers
    )
    assert changed.status_code == 204
    assert await _undeliverable(client, student, make, accept="nb") == (
        "Meldinga di kan ikkje leverast: Sofia Moen har meldingar slått av."
    )


async def test_an_error_follows_accept_language_without_setting_or_school_default(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person()
    assert await _undeliverable(client, student, make, accept="nn-NO, en;q=0.5") == (
        "Meldinga di kan ikkje leverast: Sofia Moen har meldingar slått av."
    )
    assert await _undeliverable(client, student, make) == (
        "Your message cannot be delivered: Sofia Moen has messaging disabled."
    )


async def test_group_feedback_about_a_disabled_person_is_in_the_senders_language(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Emma")
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    await _choose(client, teacher, "nn")
    answer = await start(client, teacher, people=[student.id, sofia.id], mode="group", body="Velkomne")
    assert answer.status_code in (200, 201), answer.text
    assert [item["message"] for item in answer.json()["feedback"]] == [
        "Sofia Moen har meldingar slått av og kan ikkje delta i denne samtalen."
    ]


async def test_refusals_before_sign_in_follow_accept_language(
    client: httpx.AsyncClient, make: Factory
) -> None:
    answer = await client.get("/api/me", headers={"Accept-Language": "nb"})
    assert answer.status_code == 401 and error_of(answer)["message"] == "Logg inn."
    refused = await client.post(
        "/api/auth/login",
        content=b"x" * 2_000_000,
        headers={"Accept-Language": "nb", "Content-Type": "application/json"},
    )
    assert refused.status_code == 413
    assert re.fullmatch(r"Forespørselen er større enn \d+ byte\.", error_of(refused)["message"])


async def test_the_login_page_speaks_the_browsers_language(client: httpx.AsyncClient) -> None:
    page = await client.get("/login", headers={"Accept-Language": "nn"})
    assert '<html lang="nn">' in page.text and "Brukarnamn" in page.text and "Logg inn" in page.text
    page = await client.get("/login", headers={"Accept-Language": "de"})
    assert '<html lang="en">' in page.text and "Username" in page.text


async def test_a_moderators_removal_reads_in_each_readers_language(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher, emma, noah = (
        await make.person("Maria Jensen", "teacher"),
        await make.person(),
        await make.person(),
    )
    await _choose(client, emma, "nn")
    course = await make.space("Biologi", teachers=[teacher], students=[emma, noah])
    conversation = (await started(client, emma, courses=[course.id], mode="group", body="hei"))[
        "conversation"
    ]["id"]
    bad = await sent(client, emma, conversation, "noko stygt")
    moderated = await client.post(
        f"/api/messages/{bad['id']}/moderate", json={"confirm": True}, headers=teacher.headers
    )
    assert moderated.status_code == 200, moderated.text
    assert (await history(client, emma, conversation))["messages"][0]["deleted"]["notice"] == (
        "Denne meldinga vart fjerna av Maria Jensen"
    )
    assert (await history(client, noah, conversation))["messages"][0]["deleted"]["notice"] == (
        "This message was removed by Maria Jensen"
    )
    logged = (await client.get("/api/events", params={"after": 0}, headers=emma.headers)).json()["events"]
    notices = [
        event["payload"]["message"]["deleted"]["notice"]
        for event in logged
        if event["type"] == "message.deleted"
    ]
    assert notices == ["Denne meldinga vart fjerna av Maria Jensen"]


def _fixed_parts() -> set[str]:
    """The fixed words of every sentence of every catalog (what stays when the fields are taken out)."""
    parts: set[str] = set()
    for language in ("en", "nb", "nn"):
        for message in catalog_of(language):
            if not message.id:
                continue
            for form in message.string if isinstance(message.string, tuple) else (message.string,):
                parts |= {
                    literal.strip()
                    for literal, *_ in string.Formatter().parse(form)
                    if len(literal.strip()) >= 12
                }
    return parts


async def test_the_event_log_holds_no_sentence_in_any_language(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    teacher, emma = await make.person("Maria Jensen", "teacher"), await make.person()
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    await _choose(client, teacher, "nb")
    course = await make.space("Biologi", teachers=[teacher], students=[emma, sofia])
    conversation = (await started(client, teacher, courses=[course.id], mode="group", body="Velkommen"))[
        "conversation"
    ]["id"]
    bad = await sent(client, emma, conversation, "noe stygt")
    await client.post(f"/api/messages/{bad['id']}/moderate", json={"confirm": True}, headers=teacher.headers)
    own = await sent(client, teacher, conversation, "feil")
    await client.delete(f"/api/messages/{own['id']}", headers=teacher.headers)
    await client.post(f"/api/conversations/{conversation}/close", headers=teacher.headers)
    async with services.db.read() as conn:
        logged = [
            json.dumps(payload, ensure_ascii=False)
            for payload in (await conn.execute(select(events.c.payload))).scalars()
        ]
    assert any("Velkommen" in payload for payload in logged)  # the log was read
    found = {part for part in _fixed_parts() for payload in logged if part in payload}
    assert not found, f"the event log holds sentences: {sorted(found)}"
