"""The browser offers exactly what the server allows: Restore only on a deleted, reported conversation (§5.7 note),
Close for a group's creator and staff (§4.2), and opening a conversation with unread messages shows and scrolls to
a "New messages" divider that screen readers hear about."""

from __future__ import annotations

import json
import re

import httpx
from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import api_as, message, open_conversation, person_id
from tests.web.test_history_realtime_a11y import axe_violations


def _space_id(api: httpx.Client, name: str) -> int:
    found = api.get("/api/recipients", params={"q": name}).json()
    return int(next(s["id"] for s in found["courses"] + found["projects"] if s["name"] == name))


def _start(api: httpx.Client, body: str, **recipients: list[int]) -> dict[str, int]:
    answer = api.post(
        "/api/conversations", json={"recipients": recipients, "mode": "group", "message": {"body": body}}
    )
    assert answer.status_code in (200, 201), answer.text
    return {"conversation": answer.json()["conversation"]["id"], "message": answer.json()["message"]["id"]}


def test_restore_is_offered_only_where_it_applies_and_a_refusal_is_shown(login: Login, base_url: str) -> None:
    with (
        api_as(base_url, "noah.olsen") as noah,
        api_as(base_url, "emma.hansen") as emma,
        api_as(base_url, "tom.berg") as tom,
    ):
        history = _space_id(noah, "History 9B")
        reported = _start(noah, "Your essay is rubbish", courses=[history])
        emma.post(f"/api/messages/{reported['message']}/report", json={"reason": "Rude about the essay"})
        group = _start(
            noah,
            "Buy cheap homework here",
            people=[person_id(noah, "Emma Hansen"), person_id(noah, "Liam Dahl")],
        )
        emma.post(f"/api/messages/{group['message']}/report", json={"reason": "Spam in the group"})
        tom.post(
            f"/api/conversations/{reported['conversation']}/delete", json={"confirm": True}
        ).raise_for_status()
        newer = _start(tom, "A fresh start for History 9B", courses=[history])

        teacher = login("tom.berg")
        teacher.get_by_role("link", name="Reports").click()
        deleted_card = teacher.locator(".report", has_text="Rude about the essay")
        live_card = teacher.locator(".report", has_text="Spam in the group")
        expect(live_card.get_by_role("button", name="Open conversation")).to_be_visible()
        expect(live_card.get_by_role("button", name="Restore conversation")).to_have_count(0)
        expect(deleted_card).to_contain_text("This conversation was deleted.")

        deleted_card.get_by_role("button", name="Restore conversation").click()  # a newer one is live: 409
        expect(deleted_card.get_by_role("alert")).to_have_text(
            re.compile("^A newer conversation for this course is in use")
        )

        tom.post(
            f"/api/conversations/{newer['conversation']}/delete", json={"confirm": True}
        ).raise_for_status()
        deleted_card.get_by_role("button", name="Restore conversation").click()
        expect(teacher.locator("#toast")).to_have_text("Conversation restored.")
        restored = teacher.locator(".report", has_text="Rude about the essay")
        expect(restored.get_by_role("button", name="Open conversation")).to_be_visible()
        expect(restored.get_by_role("button", name="Restore conversation")).to_have_count(0)
        answer = noah.post(f"/api/conversations/{reported['conversation']}/messages", json={"body": "Sorry"})
        assert answer.status_code == 201, answer.text


def test_close_is_offered_to_a_groups_creator_and_staff_and_to_nobody_else(
    login: Login, base_url: str
) -> None:
    with api_as(base_url, "liam.dahl") as api:
        api.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(api, "Noah Olsen"), person_id(api, "David Chen")]},
                "mode": "group",
                "name": "Lab partners",
                "message": {"body": "Who brings the microscope?"},
            },
        ).raise_for_status()
    creator, member, teacher = login("liam.dahl"), login("noah.olsen"), login("david.chen")

    open_conversation(member, "Lab partners")
    member.get_by_role("button", name="Conversation settings").click()
    expect(member.get_by_role("button", name="Leave conversation")).to_be_visible()
    expect(member.get_by_role("button", name="Close conversation")).to_have_count(0)
    expect(member.get_by_role("button", name=re.compile("^Options for"))).to_have_count(
        0
    )  # removing is staff's
    member.get_by_role("button", name="Back").click()

    open_conversation(teacher, "Lab partners")
    teacher.get_by_role("button", name="Conversation settings").click()
    expect(teacher.get_by_role("button", name="Close conversation")).to_be_visible()
    expect(teacher.get_by_role("button", name="Options for Noah Olsen")).to_be_visible()

    open_conversation(creator, "Lab partners")
    creator.get_by_role("button", name="Conversation settings").click()
    creator.get_by_role("button", name="Close conversation").click()
    creator.get_by_role("dialog").get_by_role("button", name="Close conversation").click()
    expect(member.locator(".banner")).to_contain_text("Closed conversation")
    expect(member.get_by_role("button", name="Send")).to_be_disabled()
    creator.get_by_role("button", name="Conversation settings").click()
    creator.get_by_role("button", name="Reopen conversation").click()
    expect(member.get_by_role("textbox", name=re.compile("^Write message to"))).to_be_enabled()

    student = login("emma.hansen")  # a student in a course conversation: neither close nor delete
    open_conversation(student, "Biology 101")
    student.get_by_role("button", name="Conversation settings").click()
    expect(student.get_by_role("button", name="Mark as unread")).to_be_visible()
    expect(
        student.get_by_role("button", name=re.compile("^(Close|Delete|Leave) conversation$"))
    ).to_have_count(0)


def test_opening_a_conversation_shows_and_scrolls_to_the_new_messages_divider(
    login: Login, base_url: str
) -> None:
    with api_as(base_url, "liam.dahl") as api, api_as(base_url, "noah.olsen") as noah:
        started = api.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(api, "Noah Olsen"), person_id(api, "Emma Hansen")]},
                "mode": "group",
                "name": "Catching up",
                "message": {"body": "Read 1"},
            },
        ).json()
        conversation_id = started["conversation"]["id"]
        for i in range(2, 6):
            api.post(
                f"/api/conversations/{conversation_id}/messages", json={"body": f"Read {i}"}
            ).raise_for_status()
        noah.post(f"/api/conversations/{conversation_id}/read", json={}).raise_for_status()
        for i in range(1, 41):  # more than one history page unread
            api.post(
                f"/api/conversations/{conversation_id}/messages", json={"body": f"Unread {i:02}"}
            ).raise_for_status()

    reader = login("noah.olsen", bypass_csp=True)  # bypass only so that axe-core can be injected
    with reader.expect_response(
        re.compile(f"/api/conversations/{conversation_id}/read$")
    ):  # reads what is in view
        open_conversation(reader, "Catching up")
    divider = reader.locator(".messages .unread-divider")
    expect(divider).to_have_text("New messages")
    expect(divider).to_be_in_viewport()
    after = divider.evaluate(
        "el => [el.previousElementSibling.textContent, el.nextElementSibling.textContent]"
    )
    assert "Read 5" in after[0] and "Unread 01" in after[1], after
    expect(reader.locator(".conversation [role=status]", has_text="new messages")).to_have_text(
        "40 new messages, below the line “New messages”."
    )
    assert not axe_violations(reader), json.dumps(axe_violations(reader), indent=1)

    reader.locator(".messages").focus()  # the keyboard scrolls through to the newest, which reads them all
    reader.keyboard.press("End")
    expect(message(reader, "Unread 40")).to_be_in_viewport()
    reader.get_by_role("button", name="Back").click()
    expect(reader.locator(".conv-item", has_text="Catching up")).not_to_have_class(re.compile("unread"))
    open_conversation(reader, "Catching up")  # all read now: no divider, the newest message in view
    expect(message(reader, "Unread 40")).to_be_in_viewport()
    expect(divider).to_have_count(0)
    message(reader, "Unread 38").get_by_role("button", name=re.compile("^Message options")).click()
    reader.get_by_role("menuitem", name="Mark as unread").click()
    expect(divider).to_have_count(1)
    assert "Unread 38" in divider.evaluate("el => el.nextElementSibling.textContent")
    reader.wait_for_timeout(1000)  # longer than reading batches: what is still on screen is not read again
    reader.get_by_role("button", name="Back").click()
    expect(reader.locator(".conv-item", has_text="Catching up").locator(".dot")).to_have_text("3 unread")


def test_a_project_with_messaging_disabled_says_so_and_offers_no_sending(login: Login, base_url: str) -> None:
    with api_as(base_url, "maria.jensen") as maria, api_as(base_url, "ingrid.solberg") as admin:
        fair = _space_id(maria, "Science Fair Team")
        _start(maria, "Posters are due on Friday", projects=[fair])
        admin.patch(f"/api/admin/spaces/{fair}", json={"messaging_disabled": True}).raise_for_status()
        try:
            student = login("emma.hansen")
            open_conversation(student, "Science Fair Team")
            expect(student.locator(".composer")).to_contain_text("Messaging is disabled for this project.")
            expect(student.get_by_role("button", name="Send")).to_be_disabled()
        finally:
            admin.patch(f"/api/admin/spaces/{fair}", json={"messaging_disabled": False}).raise_for_status()
