"""What a new user sees first in the messages panel (issue 15): the server's §6.4 feedback, "Sent to X people" as
one entry, the one recipient picker, and the wording and focus details. Tests share the demo school, so each
works in conversations of its own."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import api_as, new_message_to, open_conversation, person_id, send


def _group(base_url: str, username: str, names: list[str], body: str) -> int:
    """A new unnamed group of ``username`` with these people, started through the API."""
    with api_as(base_url, username) as api:
        answer = api.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(api, name) for name in names]},
                "mode": "group",
                "message": {"body": body},
            },
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["conversation"]["id"])


def test_adding_a_person_whose_messaging_is_disabled_shows_that_they_cannot_participate(login: Login) -> None:
    teacher = login("tom.berg")
    open_conversation(teacher, "History project group")
    teacher.get_by_role("button", name="Conversation settings").click()
    teacher.get_by_role("combobox", name="Search for people to add").fill("Sofia")
    teacher.get_by_role("option", name=re.compile("Sofia Moen")).click()
    teacher.get_by_role("button", name="Add participants").click()
    expect(teacher.locator("#toast")).to_have_text(
        "Sofia Moen has messaging disabled and cannot participate in this conversation."
    )
    expect(teacher.locator(".adder [role=status]")).to_contain_text("cannot participate")
    expect(teacher.locator(".participants")).not_to_contain_text("Sofia Moen")


def test_a_message_in_a_course_conversation_says_who_will_not_receive_it(login: Login) -> None:
    teacher = login("maria.jensen")
    open_conversation(teacher, "Biology 101")
    send(teacher, "The lab moves to room 204")
    expect(teacher.locator("#toast")).to_have_text(
        "Sofia Moen has messaging disabled and will not receive messages in this conversation."
    )


def test_individual_messages_say_whose_message_cannot_be_delivered(login: Login) -> None:
    teacher = login("maria.jensen")
    new_message_to(teacher, ["Emma Hansen", "Sofia Moen"])
    teacher.get_by_role("radio", name=re.compile("Individual messages")).check()
    teacher.get_by_role("textbox", name=re.compile("^Write message to")).fill("Bring your lab coat")
    teacher.get_by_role("button", name="Send").click()
    expect(teacher.locator("#toast")).to_have_text(
        "Sent to 1 person\nYour message cannot be delivered: Sofia Moen has messaging disabled."
    )


_CREATE_PUPIL = """async ([username, name]) => {
  const orgs = await (await fetch("/api/admin/orgs")).json();
  const school = orgs.find((org) => org.name === "Northfield High School");
  const answer = await fetch("/api/admin/users", { method: "POST", headers: { "Content-Type": "application/json",
    "X-CSRF-Token": localStorage.getItem("schoolchat.csrf") }, body: JSON.stringify({ username,
    password: "a long password 123", name, org_id: school.id, role: "student" }) });
  return (await answer.json()).id;
}"""


def test_a_one_to_one_message_to_someone_disabled_since_says_it_cannot_be_delivered(
    login: Login, base_url: str
) -> None:
    admin, teacher = login("per.haugen"), login("maria.jensen")
    pupil = admin.evaluate(_CREATE_PUPIL, ["jonas.vik", "Jonas Vik"])
    with api_as(base_url, "maria.jensen") as api:
        answer = api.post(
            "/api/conversations",
            json={"recipients": {"people": [pupil]}, "message": {"body": "Welcome to the school, Jonas"}},
        )
        assert answer.status_code == 201, answer.text
    with api_as(base_url, "per.haugen") as api:
        assert api.patch(f"/api/admin/users/{pupil}", json={"messaging_disabled": True}).status_code == 204
    open_conversation(teacher, "Jonas Vik")
    teacher.get_by_role("textbox", name=re.compile("^Write message to")).fill("Did you find the library?")
    teacher.get_by_role("button", name="Send").click()
    expect(teacher.locator(".composer .error")).to_have_text(
        "Your message cannot be delivered: Jonas Vik has messaging disabled."
    )
    expect(teacher.locator(".message .body", has_text="Did you find the library?")).to_have_count(0)


def test_add_participants_finds_people_with_the_new_message_picker(login: Login, base_url: str) -> None:
    teacher = login("maria.jensen")
    _group(base_url, "maria.jensen", ["Emma Hansen", "Noah Olsen"], "Picker group")
    open_conversation(teacher, "Emma Hansen, Noah Olsen")
    teacher.get_by_role("button", name="Conversation settings").click()
    teacher.get_by_role("combobox", name="Search for people to add").fill(
        "Lia"
    )  # a part of the name is enough
    teacher.get_by_role("option", name=re.compile("Liam Dahl")).click()
    expect(teacher.get_by_role("list", name="Recipients")).to_contain_text("Liam Dahl")
    teacher.get_by_role("button", name="Add participants").click()
    expect(teacher.locator("#toast")).to_have_text("Liam Dahl was added.")
    expect(teacher.locator(".participants")).to_contain_text("Liam Dahl")
    expect(teacher.locator("#settings-title")).to_have_text("Settings: Emma Hansen, Liam Dahl, Noah Olsen")


def test_the_settings_header_follows_a_removal(login: Login, base_url: str) -> None:
    teacher = login("maria.jensen")
    _group(base_url, "maria.jensen", ["Emma Hansen", "Liam Dahl"], "Removal group")
    open_conversation(teacher, "Emma Hansen, Liam Dahl")
    teacher.get_by_role("button", name="Conversation settings").click()
    teacher.get_by_role("button", name="Options for Liam Dahl").click()
    teacher.get_by_role("menuitem", name="Remove").click()
    teacher.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(teacher.locator("#settings-title")).to_have_text("Settings: Emma Hansen")


def test_sent_to_x_people_is_the_senders_one_entry_and_leads_to_each_one_to_one(
    login: Login, base_url: str
) -> None:
    with api_as(base_url, "david.chen") as api:
        answer = api.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(api, "Emma Hansen"), person_id(api, "Liam Dahl")]},
                "mode": "individual",
                "message": {"body": "Assembly moves to the gym"},
            },
        )
        assert answer.status_code == 201, answer.text
    teacher = login("david.chen")
    teacher.locator("#chat-button").click()
    entries = teacher.locator("#panel .conv-item")
    expect(entries.filter(has_text="Sent to 2 people")).to_have_count(1)
    expect(entries.filter(has_text="Emma Hansen")).to_have_count(0)
    expect(entries.filter(has_text="Liam Dahl")).to_have_count(0)
    open_conversation(teacher, "Sent to 2 people")
    teacher.get_by_role("navigation", name="Recipients").get_by_role("link", name="Liam Dahl").click()
    expect(teacher.locator("#conversation-title")).to_have_text("Liam Dahl")


def test_a_message_is_forwarded_to_new_recipients_with_the_picker(login: Login) -> None:
    teacher = login("tom.berg")
    open_conversation(teacher, "History project group")
    teacher.locator(".message").first.get_by_role("button", name=re.compile("^Message options")).click()
    teacher.get_by_role("menuitem", name="Forward").click()
    teacher.get_by_role("combobox", name="Forward to").fill("Liam")
    teacher.get_by_role("listbox").get_by_role("option", name=re.compile("Liam Dahl")).click()
    teacher.get_by_role("button", name="Forward", exact=True).click()
    expect(teacher.locator("#toast")).to_have_text("Message forwarded.")
    expect(teacher.locator("#conversation-title")).to_have_text("Liam Dahl")
    expect(teacher.locator(".message .forwarded").last).to_have_text("Forwarded from Tom Berg")


def test_the_page_has_no_focus_ring_around_it_after_login(login: Login) -> None:
    page = login("emma.hansen")
    expect(page.locator("#content")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.getElementById('content')).outlineStyle") == "none"


def test_a_closed_conversation_says_so_once(login: Login, base_url: str) -> None:
    conversation_id = _group(base_url, "maria.jensen", ["Noah Olsen", "Liam Dahl"], "Closing soon")
    with api_as(base_url, "maria.jensen") as api:
        assert api.post(f"/api/conversations/{conversation_id}/close").status_code == 200
    student = login("noah.olsen")
    open_conversation(student, "Liam Dahl, Maria Jensen")
    expect(student.locator(".banner")).to_have_text("Closed conversation")


def test_the_composer_names_the_conversation_it_writes_to(login: Login) -> None:
    student = login("emma.hansen")
    open_conversation(student, "Biology 101")
    expect(student.locator("textarea.write")).to_have_attribute("placeholder", "Write message to Biology 101")


def test_the_group_or_individual_hint_goes_once_the_choice_is_made(login: Login) -> None:
    teacher = login("maria.jensen")
    new_message_to(teacher, ["Noah Olsen", "Liam Dahl"])
    note = teacher.locator(".new-message .note")
    expect(note).to_have_text("Choose a group conversation or individual messages.")
    teacher.get_by_role("radio", name=re.compile("Individual messages")).check()
    expect(note).to_be_hidden()


def test_a_disabled_persons_search_entry_says_messaging_disabled_once(login: Login) -> None:
    teacher = login("maria.jensen")
    teacher.locator("#chat-button").click()
    teacher.get_by_role("button", name="New message").click()
    teacher.get_by_role("combobox", name="Add recipients").fill("Sofia")
    entry = teacher.get_by_role("option", name=re.compile("Sofia Moen"))
    expect(entry).to_contain_text("messaging disabled")
    assert entry.inner_text().lower().count("messaging disabled") == 1


def test_the_home_page_counts_courses_and_projects_in_plain_words(login: Login) -> None:
    expect(login("emma.hansen").locator(".card", has_text="Courses")).to_contain_text(
        "You take part in 4 courses and projects."
    )
    expect(login("grace.okafor").locator(".card", has_text="Courses")).to_contain_text(
        "You take part in no courses or projects."
    )
