"""Admin tools in the browser: messaging disabled per person, the communication rules, mass messaging (§6.5), and
erasing a person (issue 16)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import api_as, person_id, screenshot


def test_an_admin_disables_messaging_and_saves_the_rules(login: Login) -> None:
    admin = login("grace.okafor")
    admin.get_by_role("link", name="Administration").click()
    expect(admin.get_by_role("heading", name="Communication rules")).to_be_visible()
    disabled = admin.get_by_role("checkbox", name="Messaging disabled: Lucas Strand")
    disabled.check()
    expect(admin.locator("#toast")).to_contain_text("Lucas Strand: messaging disabled on")
    admin.reload()
    expect(admin.get_by_role("checkbox", name="Messaging disabled: Lucas Strand")).to_be_checked()

    admin.get_by_label("student → teacher").select_option("same_school")
    admin.get_by_role("button", name="Save rules").click()
    expect(admin.locator("#toast")).to_contain_text("Communication rules saved.")
    screenshot(admin, "admin")


def test_a_mass_message_reaches_the_students_with_its_own_icon(login: Login) -> None:
    admin, student = login("ingrid.solberg"), login("olivia.berg")
    admin.get_by_role("link", name="Mass messaging").click()
    admin.get_by_role("checkbox", name=re.compile("Riverside Middle")).check()
    admin.get_by_role("textbox", name="Message").fill("School closes early on Friday.")
    admin.get_by_role("button", name="Send mass message").click()
    expect(admin.locator(".jobs li").first).to_contain_text(
        re.compile(r"Delivered to \d+ of \d+"), timeout=15_000
    )
    screenshot(admin, "mass-messaging")

    student.locator("#chat-button").click()
    item = student.locator(".conv-item", has_text="School closes early on Friday.")
    expect(item.locator(".kind-mass")).to_be_visible()


def test_disabled_messaging_is_explained_to_both_sides(login: Login) -> None:
    disabled, teacher = login("sofia.moen", live=False), login("maria.jensen")
    disabled.locator("#chat-button").click()
    expect(disabled.locator("#panel [role=alert]")).to_contain_text("disabled")
    expect(disabled.get_by_role("button", name="New message")).to_be_disabled()

    teacher.locator("#chat-button").click()
    teacher.get_by_role("button", name="New message").click()
    teacher.get_by_role("combobox", name="Add recipients").fill("Sofia")
    teacher.get_by_role("option", name=re.compile("Sofia Moen")).click()
    teacher.get_by_role("textbox", name=re.compile("^Write message to")).fill("Hello Sofia")
    teacher.get_by_role("button", name="Send").click()
    expect(teacher.locator(".composer .error")).to_have_text(
        "Your message cannot be delivered: Sofia Moen has messaging disabled."
    )


def test_an_admin_registers_a_learning_platform_and_removes_it(login: Login) -> None:
    admin = login("grace.okafor")
    admin.get_by_role("link", name="Administration").click()
    card = admin.locator("section", has=admin.get_by_role("heading", name="Learning platforms (LTI 1.3)"))
    expect(card.locator(".tool-addresses")).to_contain_text("/lti/login")
    card.get_by_text("Register a platform").click()
    for label, value in [
        ("Name", "Moodle"),
        ("Issuer", "https://moodle.northfield.example"),
        ("Client ID", "schoolchat"),
        ("Deployment IDs (one per line)", "1\n2"),
        ("Public keyset URL (JWKS)", "https://moodle.northfield.example/mod/lti/certs.php"),
        ("Authentication request URL", "https://moodle.northfield.example/mod/lti/auth.php"),
    ]:
        card.get_by_label(label, exact=True).fill(value)
    card.get_by_role("button", name="Register platform").click()
    expect(admin.locator("#toast")).to_contain_text("Platform Moodle registered.")
    row = admin.get_by_role("row", name=re.compile("Moodle"))
    expect(row).to_contain_text("1, 2")
    admin.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Remove Moodle").click()
    expect(admin.locator("#toast")).to_contain_text("Platform Moodle removed.")
    expect(admin.get_by_text("No platform is registered for this organisation.")).to_be_visible()


_CREATE_PUPIL = """async ([username, name]) => {
  const orgs = await (await fetch("/api/admin/orgs")).json();
  const answer = await fetch("/api/admin/users", { method: "POST", headers: { "Content-Type": "application/json",
    "X-CSRF-Token": localStorage.getItem("schoolchat.csrf") }, body: JSON.stringify({ username,
    password: "a long password 123", name, org_id: orgs[0].id, role: "student" }) });
  return answer.status;
}"""


def test_an_admin_erases_a_person_after_confirming_what_goes(login: Login) -> None:
    admin = login("grace.okafor")
    assert admin.evaluate(_CREATE_PUPIL, ["zoe.erase", "Zoe Erase"]) == 201
    admin.get_by_role("link", name="Administration").click()
    admin.get_by_role("button", name="Erase Zoe Erase").click()
    expect(admin.get_by_role("dialog")).to_contain_text(
        'Erase Zoe Erase? Their 0 messages and files are removed'
    )
    admin.get_by_role("dialog").get_by_role("button", name="Erase").click()
    expect(admin.locator("#toast")).to_contain_text("Zoe Erase is being erased.")
    expect(admin.get_by_role("row", name=re.compile("Former user"))).to_be_visible()
    expect(admin.locator(".erasure")).to_contain_text("Zoe Erase is erased: 0 of 0 messages removed.")
    expect(admin.locator(".erasure")).to_contain_text("Nothing was kept under legal hold.")


def test_an_erasure_shows_its_progress_and_what_legal_hold_kept_and_why(login: Login, base_url: str) -> None:
    admin = login("grace.okafor")
    assert admin.evaluate(_CREATE_PUPIL, ["yara.held", "Yara Held"]) == 201
    token = httpx.post(
        f"{base_url}/api/auth/tokens", json={"username": "yara.held", "password": "a long password 123"}
    ).json()["access_token"]
    with (
        api_as(base_url, "sara.lind") as sara,
        httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as yara,
    ):
        sent = sara.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(sara, "Yara Held")]},
                "message": {"body": "Stay after class, Yara"},
            },
        )
        assert sent.status_code in (200, 201), sent.text
        yara.post(
            f"/api/messages/{sent.json()['message']['id']}/report", json={"reason": "I was scared by this"}
        ).raise_for_status()
    admin.get_by_role("link", name="Administration").click()
    admin.get_by_role("button", name="Erase Yara Held").click()
    expect(admin.get_by_role("dialog")).to_contain_text("What 1 report froze as evidence is kept")
    admin.get_by_role("dialog").get_by_role("button", name="Erase").click()
    progress = admin.locator(".erasure")
    expect(progress).to_contain_text("Yara Held is erased", timeout=30_000)
    expect(progress.locator(".kept")).to_contain_text("Kept under legal hold")
    expect(progress.locator(".kept li")).to_contain_text("kept for the report's reviewers only")


def test_the_sent_list_shows_each_mass_message(login: Login) -> None:
    admin = login("ingrid.solberg")
    admin.get_by_role("link", name="Mass messaging").click()
    admin.get_by_role("checkbox", name=re.compile("Riverside Middle")).check()
    admin.get_by_role("textbox", name="Message").fill("Parents' evening is on Thursday.")
    admin.get_by_role("button", name="Send mass message").click()
    expect(admin.locator(".jobs li").first.locator(".mass-text")).to_have_text(
        "Parents' evening is on Thursday."
    )
    admin.reload()
    expect(admin.locator(".jobs li").first.locator(".mass-text")).to_have_text(
        "Parents' evening is on Thursday."
    )


def test_an_admin_switches_messaging_off_for_a_course_and_for_a_school(login: Login) -> None:
    admin = login("grace.okafor")
    admin.get_by_role("link", name="Administration").click()
    course = admin.get_by_role("checkbox", name="Messaging disabled: Mathematics 7A")
    course.check()
    expect(admin.locator("#toast")).to_contain_text("Mathematics 7A: messaging disabled on")
    school = admin.get_by_role("checkbox", name="Messaging disabled: Riverside Middle School")
    school.check()
    expect(admin.locator("#toast")).to_contain_text("Riverside Middle School: messaging disabled on")
    admin.reload()
    expect(course).to_be_checked()
    expect(school).to_be_checked()
    course.uncheck()  # the demo school stays usable for the other tests
    expect(admin.locator("#toast")).to_contain_text("Mathematics 7A: messaging disabled off")
    school.uncheck()
    expect(admin.locator("#toast")).to_contain_text("Riverside Middle School: messaging disabled off")
    admin.reload()
    expect(course).not_to_be_checked()
    expect(school).not_to_be_checked()
