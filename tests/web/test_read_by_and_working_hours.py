"""Issue 13 in the browser: "Read by X of Y" under a teacher's own course message, live, with the list of who has
read it; and a teacher's working hours, set in My settings, shown in the composer of someone writing to them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import api_as, message, open_conversation, person_id, screenshot


def test_a_teacher_sees_who_read_their_course_message_live(login: Login, base_url: str) -> None:
    with api_as(base_url, "sara.lind") as sara, api_as(base_url, "olivia.berg") as olivia:
        space = int(sara.get("/api/recipients", params={"q": "Mathematics 7A"}).json()["courses"][0]["id"])
        started = sara.post(
            "/api/conversations",
            json={
                "recipients": {"courses": [space]},
                "mode": "group",
                "message": {"body": "Test on fractions next Tuesday."},
            },
        )
        assert started.status_code in (200, 201), started.text
        conversation = started.json()["conversation"]["id"]
        teacher = login("sara.lind")
        open_conversation(teacher, "Mathematics 7A")
        read_by = message(teacher, "Test on fractions next Tuesday.").locator(".read-by")
        expect(read_by).to_have_text("Read by 0 of 2")
        assert olivia.post(f"/api/conversations/{conversation}/read").status_code == 200
        expect(read_by).to_have_text("Read by 1 of 2")  # live: the reads.changed event
        read_by.click()
        dialog = teacher.get_by_role("dialog")
        expect(dialog.get_by_role("list", name="Have read it")).to_have_text("Olivia Berg")
        expect(dialog.get_by_role("list", name="Have not read it")).to_have_text("Lucas Strand")
        screenshot(teacher, "read-by")
        dialog.get_by_role("button", name="Close").click()


def test_writing_to_a_teacher_outside_their_working_hours_shows_when_they_answer(
    login: Login, base_url: str
) -> None:
    now = datetime.now(ZoneInfo("Europe/Oslo"))  # the demo school's clock
    start, end = ((now + timedelta(hours=hours)).strftime("%H:%M") for hours in (2, 3))
    teacher = login("tom.berg")
    teacher.get_by_role("link", name="My settings").click()
    teacher.get_by_label("From").fill(start)
    teacher.get_by_label("to", exact=True).fill(end)
    for day in ("Saturday", "Sunday"):
        teacher.get_by_role("checkbox", name=day).check()
    teacher.get_by_role("button", name="Save working hours").click()
    expect(teacher.locator("#hours-state")).to_have_text(
        f"You usually answer between {start} and {end} (Europe/Oslo)."
    )
    with api_as(base_url, "noah.olsen") as noah, api_as(base_url, "tom.berg") as tom:
        try:
            started = noah.post(
                "/api/conversations",
                json={
                    "recipients": {"people": [person_id(noah, "Tom Berg")]},
                    "message": {"body": "Is the essay due on Monday?"},
                },
            )
            assert started.status_code in (200, 201), started.text
            student = login("noah.olsen")
            open_conversation(student, "Tom Berg")
            expect(student.locator(".composer-notice")).to_have_text(
                f"Tom Berg usually answers between {start} and {end}"
            )
            expect(student.get_by_role("textbox", name="Write message to Tom Berg")).to_be_enabled()
            screenshot(student, "working-hours")
        finally:
            assert tom.delete("/api/me/working-hours").status_code == 204


def test_the_sender_of_a_mass_message_sees_who_read_it_in_the_sent_list(login: Login, base_url: str) -> None:
    admin = login("ingrid.solberg")
    admin.get_by_role("link", name="Mass messaging").click()
    admin.get_by_role("checkbox", name=re.compile("Riverside Middle")).check()
    admin.get_by_role("textbox", name="Message").fill("Parents' evening is on Thursday.")
    admin.get_by_role("button", name="Send mass message").click()
    sent = admin.locator(".jobs li").first
    expect(sent.locator(".read-by")).to_have_text(re.compile(r"^Read by 0 of \d+$"), timeout=15_000)
    with api_as(base_url, "olivia.berg") as olivia:
        mass = next(
            c
            for c in olivia.get("/api/conversations").json()["conversations"]
            if c["preview"] and c["preview"]["text"] == "Parents' evening is on Thursday."
        )
        assert olivia.post(f"/api/conversations/{mass['id']}/read").status_code == 200
    admin.reload()
    read_by = admin.locator(".jobs li").first.locator(".read-by")
    expect(read_by).to_have_text(re.compile(r"^Read by 1 of \d+$"))
    read_by.click()
    expect(admin.get_by_role("dialog").get_by_role("list", name="Have read it")).to_have_text("Olivia Berg")
