"""Admin tools in the browser: messaging disabled per person, the communication rules, and mass messaging (§6.5)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import screenshot


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
    expect(admin.locator(".jobs li").first).to_contain_text(re.compile(r"Delivered to \d+ of \d+"), timeout=15_000)
    screenshot(admin, "mass-messaging")

    student.locator("#chat-button").click()
    item = student.locator(".conv-item", has_text="School closes early on Friday.")
    expect(item.locator(".kind-mass")).to_be_visible()
