"""The messages panel in Chromium against a real server: a teacher and a student, each in their own browser
context. Tests share the demo school, so each leaves the shared conversations usable for the next."""

from __future__ import annotations

import re

from playwright.sync_api import Route, expect

from tests.web.conftest import Login
from tests.web.steps import api_as, badge, message, new_message_to, open_conversation, screenshot, send

LIST_OR_BADGE = re.compile(r"/api/(unread|conversations)(\?|$)")
LIST_PAGE = re.compile(r"/api/conversations\?")


def test_a_message_arrives_live_and_the_badge_follows(login: Login) -> None:
    teacher, student = login("maria.jensen"), login("emma.hansen")
    before = badge(teacher)

    open_conversation(student, "Biology 101")
    send(student, "Is the test on Monday?")

    expect(teacher.locator("#chat-badge")).not_to_have_text(before)
    expect(teacher.get_by_role("button", name=re.compile(r"^Messages, \d+ unread$"))).to_be_visible()
    teacher.locator("#chat-button").click()
    expect(teacher.locator(".conv-item.unread", has_text="Is the test on Monday?")).to_be_visible()
    screenshot(teacher, "panel")
    open_conversation(teacher, "Biology 101")
    arrived = message(teacher, "Is the test on Monday?")
    expect(arrived).to_be_visible()
    expect(arrived.locator(".author")).to_have_text("Emma Hansen")
    expect(teacher.locator(".body a[href='https://example.org/biology-101']")).to_be_visible()
    expect(teacher.locator("#chat-badge")).to_be_hidden()
    screenshot(teacher, "conversation")


def test_a_message_arriving_updates_the_list_and_the_badge_without_asking_for_them_again(
    login: Login, base_url: str
) -> None:
    """With a class online, asking for the list and the badge again on every message would be 300 requests of
    each for every message written; the event carries what they show."""
    teacher = login("maria.jensen")
    teacher.wait_for_load_state("networkidle")
    before = int(badge(teacher))
    asked: list[str] = []
    teacher.on("request", lambda request: asked.append(request.url))
    with api_as(base_url, "emma.hansen") as emma:
        listed = emma.get("/api/conversations").json()["conversations"]
        biology = next(c["id"] for c in listed if c["name"] == "Biology 101")
        emma.post(
            f"/api/conversations/{biology}/messages", json={"body": "Which   chapters are on the test?"}
        ).raise_for_status()

    expect(teacher.locator("#chat-badge")).to_have_text(str(before + 1))
    newest = teacher.locator("#panel .conv-item").first
    expect(newest).to_have_class(re.compile("unread"))
    expect(newest.locator(".preview")).to_have_text("Which chapters are on the test?")
    assert [url for url in asked if LIST_OR_BADGE.search(url)] == []


def test_a_list_answer_read_before_a_message_arrived_does_not_undo_it(login: Login, base_url: str) -> None:
    """Back asks for the whole list again, and an event can be applied while that answer is on its way. The answer
    was read before the event, so it is asked for once more rather than put in place over it."""
    teacher = login("maria.jensen")
    open_conversation(teacher, "Biology 101")
    with api_as(base_url, "emma.hansen") as emma:
        listed = emma.get("/api/conversations").json()["conversations"]
        biology = next(c["id"] for c in listed if c["name"] == "Biology 101")
        held: list[Route] = []

        def answer_after_a_message(route: Route) -> None:
            if held:
                route.continue_()
                return
            held.append(route)
            stale = route.fetch()  # the list as it is before the message below
            emma.post(
                f"/api/conversations/{biology}/messages", json={"body": "Sent while the list was on its way"}
            ).raise_for_status()
            expect(teacher.locator("#panel .conv-item .preview").first).to_have_text(
                "Sent while the list was on its way"
            )  # the event is applied
            route.fulfill(response=stale)

        teacher.route(LIST_PAGE, answer_after_a_message)
        with teacher.expect_request(lambda request: bool(LIST_PAGE.search(request.url)) and bool(held)):
            teacher.get_by_role("button", name="Back").click()
    expect(teacher.locator("#panel .conv-item .preview").first).to_have_text(
        "Sent while the list was on its way"
    )


def test_own_message_options_edit_and_keyboard(login: Login) -> None:
    student = login("emma.hansen")
    student.locator("#chat-button").focus()
    student.keyboard.press("Enter")
    expect(student.get_by_role("button", name="New message")).to_be_focused()
    open_conversation(student, "Biology 101")
    send(student, "Typo in this mesage")
    mine = message(student, "Typo in this mesage")
    mine.get_by_role("button", name=re.compile("^Message options")).focus()
    student.keyboard.press("Enter")
    expect(student.get_by_role("menuitem")).to_have_text(
        ["Edit", "Delete message", "Forward", "Mark as unread"]
    )
    expect(student.get_by_role("menuitem", name="Edit")).to_be_focused()
    student.keyboard.press("Enter")
    student.get_by_role("dialog").get_by_label("Message").fill("Typo in this message, fixed")
    student.get_by_role("dialog").get_by_role("button", name="Save").click()
    fixed = message(student, "Typo in this message, fixed")
    expect(fixed.locator(".edited")).to_have_text("edited")

    fixed.get_by_role("button", name=re.compile("^Message options")).click()
    student.get_by_role("menuitem", name="Forward").click()
    student.get_by_role("combobox", name="Forward to").fill("Noah")
    student.get_by_role("listbox").get_by_role("option", name=re.compile("Noah Olsen")).click()
    student.get_by_role("button", name="Forward", exact=True).click()
    expect(student.locator("#toast")).to_have_text("Message forwarded.")
    expect(student.locator("#conversation-title")).to_have_text("Noah Olsen")
    expect(message(student, "Typo in this message, fixed").locator(".forwarded")).to_have_text(
        "Forwarded from Emma Hansen"
    )


def test_individual_messages_to_two_people(login: Login) -> None:
    teacher, student = login("maria.jensen"), login("noah.olsen")
    new_message_to(teacher, ["Noah Olsen", "Liam Dahl"])
    teacher.get_by_role("radio", name=re.compile("Individual messages")).check()
    teacher.get_by_role("textbox", name="Write message to Noah Olsen, Liam Dahl").fill(
        "Your lab report is due"
    )
    teacher.get_by_role("button", name="Send").click()
    expect(teacher.locator("#conversation-title")).to_have_text("Sent to 2 people")
    open_conversation(student, "Maria Jensen")
    expect(message(student, "Your lab report is due")).to_be_visible()


def test_the_300_recipient_choice(login: Login) -> None:
    teacher = login("david.chen")
    teacher.locator("#chat-button").click()
    teacher.get_by_role("button", name="New message").click()
    recipients = teacher.get_by_role("combobox", name="Add recipients")
    recipients.fill("Year 10")
    teacher.get_by_role("option", name=re.compile("Year 10 Assembly")).click()
    expect(teacher.locator(".new-message .note")).to_be_visible()
    expect(teacher.get_by_role("radio")).to_have_count(0)
    screenshot(teacher, "new-message-300")

    recipients.fill("Maria")
    teacher.get_by_role("option", name=re.compile("Maria Jensen")).click()
    expect(teacher.locator(".new-message > .error")).to_contain_text("more than 300 recipients")
    expect(teacher.get_by_role("button", name="Send")).to_be_disabled()

    teacher.get_by_role("button", name="Remove Year 10 Assembly").click()
    recipients.fill("Emma")
    teacher.get_by_role("option", name=re.compile("Emma Hansen")).click()
    expect(teacher.get_by_role("radio", name=re.compile("Group conversation"))).to_be_checked()
    expect(teacher.get_by_role("radio", name=re.compile("Individual messages"))).to_be_visible()


def test_a_closed_or_deleted_conversation_refuses_new_messages(login: Login) -> None:
    teacher, student = login("maria.jensen"), login("emma.hansen")
    teacher.locator("#chat-button").click()
    teacher.get_by_role("button", name="New message").click()
    teacher.get_by_role("combobox", name="Add recipients").fill("Science")
    teacher.get_by_role("option", name=re.compile("Science Fair Team")).click()
    teacher.get_by_role("radio", name=re.compile("Group conversation")).check()
    teacher.get_by_role("textbox", name=re.compile("^Write message to")).fill("Project kickoff on Friday")
    teacher.get_by_role("button", name="Send").click()
    expect(teacher.locator("#conversation-title")).to_have_text("Science Fair Team")

    open_conversation(student, "Science Fair Team")
    teacher.get_by_role("button", name="Conversation settings").click()
    screenshot(teacher, "settings")
    teacher.get_by_role("button", name="Close conversation").click()
    teacher.get_by_role("dialog").get_by_role("button", name="Close conversation").click()

    expect(student.locator(".banner")).to_contain_text("Closed conversation")
    expect(student.get_by_role("textbox", name=re.compile("^Write message to"))).to_be_disabled()
    expect(student.get_by_role("button", name="Send")).to_be_disabled()
    expect(message(student, "Project kickoff on Friday")).to_be_visible()

    teacher.get_by_role("button", name="Conversation settings").click()
    teacher.get_by_role("button", name="Reopen conversation").click()
    expect(student.get_by_role("textbox", name=re.compile("^Write message to"))).to_be_enabled()
    teacher.get_by_role("button", name="Conversation settings").click()
    teacher.get_by_role("button", name="Delete conversation").click()
    teacher.get_by_role("dialog").get_by_role("button", name="Delete conversation").click()
    expect(student.get_by_role("textbox", name=re.compile("^Write message to"))).to_be_disabled()
    expect(message(student, "Project kickoff on Friday")).to_be_visible()


def test_phone_width_and_the_list(login: Login) -> None:
    student = login("noah.olsen", width=390, height=780)
    student.locator("#chat-button").click()
    panel = student.locator("#panel")
    expect(panel.get_by_role("link").first).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and round(box["width"]) == 390
    screenshot(student, "panel-phone")
