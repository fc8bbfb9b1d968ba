"""The UI in Norwegian (issue 15): the main flows in bokmål, the admin's default language, and a person's own
choice in the profile menu. The browser asks for bokmål (``locale``) and lives on another clock than the school
(``timezone_id``): times must be the school's (Europe/Oslo), written the Norwegian way (18:23, not 06:23 PM).

The demo school is shared by the whole run: a test that changes a language setting puts it back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Login
from tests.web.steps import api_as, open_conversation, screenshot

BOKMAL = {"locale": "nb-NO", "timezone_id": "America/New_York"}
SCHOOL_CLOCK = ZoneInfo("Europe/Oslo")


def send_nb(page: Page, text: str) -> None:
    page.get_by_role("textbox", name=re.compile("^Skriv melding til")).fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message .body", has_text=text)).to_be_visible()


def test_a_student_writes_in_bokmal_and_the_teacher_gets_it_on_the_schools_clock(login: Login) -> None:
    student, teacher = login("emma.hansen", **BOKMAL), login("maria.jensen", **BOKMAL)
    expect(student.locator("html")).to_have_attribute("lang", "nb")
    expect(student.get_by_role("heading", name="Velkommen, Emma Hansen")).to_be_visible()
    expect(student.get_by_role("link", name="Hjem")).to_be_visible()

    student.get_by_role("button", name=re.compile("^Meldinger")).click()
    expect(student.get_by_role("button", name="Ny melding")).to_be_focused()
    open_conversation(student, "Biology 101")
    send_nb(student, "Er prøven på mandag?")

    expect(teacher.get_by_role("button", name=re.compile(r"^Meldinger, \d+ uleste?$"))).to_be_visible()
    open_conversation(teacher, "Biology 101")
    arrived = teacher.locator(".message", has_text="Er prøven på mandag?")
    expect(arrived).to_be_visible()
    sent_at = datetime.fromisoformat(arrived.locator("time").get_attribute("datetime") or "")
    expect(arrived.locator("time")).to_have_text(sent_at.astimezone(SCHOOL_CLOCK).strftime("%H:%M"))
    arrived.get_by_role("button", name="Valg for meldingen fra Emma Hansen").click()
    expect(teacher.get_by_role("menuitem")).to_have_text(
        ["Videresend", "Merk som ulest", "Rapporter misbruk", "Slett melding"]
    )
    teacher.keyboard.press("Escape")
    screenshot(teacher, "conversation-nb")


def test_a_teacher_starts_a_new_message_in_bokmal(login: Login) -> None:
    teacher, student = login("maria.jensen", **BOKMAL), login("noah.olsen", **BOKMAL)
    teacher.get_by_role("button", name=re.compile("^Meldinger")).click()
    teacher.get_by_role("button", name="Ny melding").click()
    teacher.get_by_label("Legg til mottakere").fill("Noah")
    teacher.get_by_role("option", name=re.compile("Noah Olsen")).click()
    expect(teacher.get_by_role("button", name="Fjern Noah Olsen")).to_be_visible()
    send_nb(teacher, "Husk innleveringen i morgen.")
    expect(teacher.locator("#conversation-title")).to_have_text("Noah Olsen")

    student.get_by_role("button", name=re.compile("^Meldinger")).click()
    expect(student.locator(".conv-item.unread", has_text="Husk innleveringen i morgen.")).to_be_visible()
    expect(
        student.locator(".conv-item", has_text="Husk innleveringen").locator(".sr-only").first
    ).to_have_text(". 1:1-samtale.")


def test_the_reports_page_in_bokmal(login: Login, base_url: str) -> None:
    with api_as(base_url, "noah.olsen") as noah, api_as(base_url, "liam.dahl") as liam:
        course = next(
            c for c in noah.get("/api/conversations").json()["conversations"] if c["name"] == "Biology 101"
        )
        sent = noah.post(
            f"/api/conversations/{course['id']}/messages", json={"body": "Dere er noen idioter"}
        ).json()
        assert (
            liam.post(
                f"/api/messages/{sent['message']['id']}/report", json={"reason": "Kaller klassen idioter"}
            ).status_code
            == 201
        )
    teacher = login("maria.jensen", **BOKMAL)
    teacher.get_by_role("link", name="Rapporter").click()
    expect(teacher.get_by_role("heading", name="Rapporterte meldinger")).to_be_visible()
    report = teacher.locator(".report", has_text="Kaller klassen idioter")
    expect(report).to_contain_text("Dere er noen idioter")
    expect(report).to_contain_text("anonymt")
    expect(report.locator(".tag")).to_have_text("åpen")
    screenshot(teacher, "reports-nb")
    report.get_by_role("button", name="Merk som vurdert").click()
    expect(teacher.locator("#toast")).to_have_text("Rapporten er merket som vurdert.")
    expect(teacher.locator(".report", has_text="Kaller klassen idioter").locator(".tag")).to_have_text(
        "vurdert"
    )


@pytest.fixture
def riverside_language(base_url: str) -> Iterator[None]:
    """Riverside Middle School's default language, put back to none (inherited) afterwards."""
    yield
    with api_as(base_url, "grace.okafor") as admin:
        school = next(
            o for o in admin.get("/api/admin/orgs").json() if o["name"] == "Riverside Middle School"
        )
        assert (
            admin.patch(f"/api/admin/orgs/{school['id']}", json={"default_language": None}).status_code == 204
        )


def test_an_admin_in_bokmal_sets_the_schools_language_and_its_people_get_it(
    login: Login, riverside_language: None
) -> None:
    admin = login("grace.okafor", **BOKMAL)
    admin.get_by_role("link", name="Administrasjon").click()
    expect(admin.get_by_role("heading", name="Kommunikasjonsregler")).to_be_visible()
    expect(admin.get_by_role("heading", name="Tidssone")).to_be_visible()
    admin.get_by_label("Språk for personer som ikke har valgt et selv").select_option("nn")
    admin.get_by_role("button", name="Lagre språk").click()
    expect(admin.locator("#toast")).to_have_text("Språket til Riverside Middle School: Norsk nynorsk.")
    screenshot(admin, "admin-nb")

    teacher = login("sara.lind")  # a browser that asks for English: the school's choice comes first
    expect(teacher.locator("html")).to_have_attribute("lang", "nn")
    expect(teacher.get_by_role("heading", name="Velkomen, Sara Lind")).to_be_visible()
    expect(teacher.get_by_role("link", name="Heim")).to_be_visible()


@pytest.fixture
def david_language(base_url: str) -> Iterator[None]:
    """David Chen's own language choice, put back to none afterwards."""
    yield
    with api_as(base_url, "david.chen") as david:
        assert david.put("/api/me/language", json={"language": None}).status_code == 200


def test_a_person_chooses_nynorsk_in_the_profile_menu_and_back(login: Login, david_language: None) -> None:
    teacher = login("david.chen")
    expect(teacher.locator("html")).to_have_attribute("lang", "en")
    teacher.get_by_role("button", name="David Chen (profile and language)").click()
    expect(teacher.get_by_role("menuitemradio", name="The school's language")).to_have_attribute(
        "aria-checked", "true"
    )
    teacher.get_by_role("menuitemradio", name="Norsk nynorsk").click()

    expect(teacher.locator("html")).to_have_attribute("lang", "nn")
    expect(teacher.get_by_role("heading", name="Velkomen, David Chen")).to_be_visible()
    teacher.get_by_role("button", name=re.compile("^Meldingar")).click()
    expect(teacher.get_by_role("button", name="Ny melding")).to_be_visible()
    expect(teacher.get_by_role("searchbox", name="Søk i alle samtalar")).to_be_visible()

    teacher.get_by_role("button", name="David Chen (profil og språk)").click()
    expect(teacher.get_by_role("menuitemradio", name="Norsk nynorsk")).to_have_attribute(
        "aria-checked", "true"
    )
    teacher.get_by_role("menuitemradio", name="Språket til skulen").click()
    expect(teacher.locator("html")).to_have_attribute("lang", "en")
    expect(teacher.get_by_role("heading", name="Welcome, David Chen")).to_be_visible()


def test_the_panel_at_phone_width_in_bokmal_keeps_the_profile_menu(login: Login) -> None:
    student = login("emma.hansen", width=390, height=780, **BOKMAL)
    expect(student.get_by_role("button", name="Emma Hansen (profil og språk)")).to_be_visible()
    student.get_by_role("button", name=re.compile("^Meldinger")).click()
    expect(student.get_by_role("button", name="Ny melding")).to_be_visible()
    expect(student.get_by_role("searchbox", name="Søk i alle samtaler")).to_be_visible()
    screenshot(student, "panel-phone-nb")
