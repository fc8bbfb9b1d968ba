"""Mute and notification settings in Chromium: muting from a conversation's settings keeps its messages out of
the badge while the entry still shows them unread; the email preference is saved from the panel's settings."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import api_as, badge, open_conversation


def test_a_muted_conversation_shows_its_unread_messages_but_not_in_the_badge(
    login: Login, base_url: str
) -> None:
    student = login("noah.olsen")
    open_conversation(student, "Biology 101")
    student.get_by_role("button", name="Conversation settings").click()
    student.get_by_role("button", name="Mute conversation").click()
    expect(student.locator("#toast")).to_contain_text("Conversation muted.")
    expect(student.locator("#panel .conv-item", has_text="Biology 101").locator(".tag")).to_have_text("Muted")
    before = badge(student)
    with api_as(base_url, "maria.jensen") as teacher:
        biology = next(
            c for c in teacher.get("/api/conversations").json()["conversations"] if c["name"] == "Biology 101"
        )
        assert (
            teacher.post(
                f"/api/conversations/{biology['id']}/messages", json={"body": "Quiet reminder"}
            ).status_code
            == 201
        )
    entry = student.locator("#panel .conv-item", has_text="Quiet reminder")
    expect(entry.locator(".dot")).to_be_visible()
    expect(entry.locator(".tag")).to_have_text("Muted")
    assert badge(student) == before
    open_conversation(student, "Biology 101")
    student.get_by_role("button", name="Conversation settings").click()
    student.get_by_role("button", name="Unmute conversation").click()
    expect(student.locator("#toast")).to_contain_text("Conversation unmuted.")


def test_the_email_preference_is_chosen_in_the_notification_settings(login: Login, base_url: str) -> None:
    student = login("liam.dahl")
    student.locator("#chat-button").click()
    student.get_by_role("button", name="Notification settings").click()
    student.get_by_label("Email notifications").select_option("hourly")
    expect(student.locator("#toast")).to_contain_text("Saved.")
    with api_as(base_url, "liam.dahl") as api:
        assert api.get("/api/me/notifications").json()["own"] == "hourly"
    expect(student.get_by_text("Push notifications are not set up on this server.")).to_be_visible()


def test_an_admin_sets_the_schools_quiet_hours_in_administration(login: Login, base_url: str) -> None:
    admin = login("grace.okafor")
    admin.get_by_role("link", name="Administration").click()
    expect(admin.get_by_role("heading", name="Notifications")).to_be_visible()
    org_id = admin.locator("#admin-org").input_value()
    admin.get_by_label("Quiet hours begin").fill("21:00")
    admin.get_by_label("Quiet hours end").fill("07:00")
    admin.get_by_role("button", name="Save notification settings").click()
    expect(admin.locator("#toast")).to_contain_text("Notification settings saved.")
    with api_as(base_url, "grace.okafor") as api:
        saved = api.get(f"/api/admin/orgs/{org_id}/notifications").json()
    assert (saved["quiet_start"], saved["quiet_end"]) == ("21:00", "07:00")
    assert "timezone" not in saved  # quiet hours are read on the org's time zone, set in the time zone form
