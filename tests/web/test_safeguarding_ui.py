"""The report dialog, the Reports page and the safeguarding lead in the browser (issues 15 and 16)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import api_as, message, open_conversation, person_id


def _direct(base_url: str, sender: str, recipient: str, body: str) -> int:
    """A 1:1 message from ``sender`` to ``recipient`` (by name); returns the message id."""
    with api_as(base_url, sender) as api:
        answer = api.post(
            "/api/conversations",
            json={"recipients": {"people": [person_id(api, recipient)]}, "message": {"body": body}},
        )
        assert answer.status_code in (200, 201), answer.text
        return int(answer.json()["message"]["id"])


def _report(base_url: str, reporter: str, message_id: int, reason: str, **body: str) -> int:
    with api_as(base_url, reporter) as api:
        answer = api.post(f"/api/messages/{message_id}/report", json={"reason": reason, **body})
        assert answer.status_code == 201, answer.text
        return int(answer.json()["report_id"])


def test_a_report_from_a_one_to_one_is_titled_by_its_two_people_not_null(login: Login, base_url: str) -> None:
    reported = _direct(base_url, "noah.olsen", "Liam Dahl", "Give me your lunch money")
    _report(base_url, "liam.dahl", reported, "Threats about lunch money")
    teacher = login("tom.berg")
    teacher.get_by_role("link", name="Reports").click()
    card = teacher.locator(".report", has_text="Threats about lunch money")
    expect(card.locator("h2")).to_contain_text("1:1 conversation: Liam Dahl and Noah Olsen")
    expect(card.locator("h2")).not_to_contain_text("null")


def test_the_report_dialog_says_which_message_who_receives_it_and_asks_the_category(
    login: Login, base_url: str
) -> None:
    _direct(base_url, "noah.olsen", "Emma Hansen", "You will regret this, Emma")
    emma = login("emma.hansen")
    open_conversation(emma, "Noah Olsen")
    message(emma, "You will regret this, Emma").get_by_role(
        "button", name=re.compile("^Message options")
    ).click()
    emma.get_by_role("menuitem", name="Report abuse").click()
    dialog = emma.get_by_role("dialog")
    expect(dialog.locator(".reported-message")).to_contain_text("Noah Olsen")
    expect(dialog.locator(".reported-message")).to_contain_text("You will regret this, Emma")
    expect(dialog.locator(".report-recipients")).to_contain_text("safeguarding lead")
    expect(dialog.locator(".report-recipients")).to_contain_text("your name is shown")
    dialog.get_by_label("What kind of problem is it?").select_option(label="Bullying")
    dialog.get_by_label("What is wrong with this message?").fill("Emma is threatened")
    dialog.get_by_role("button", name="Send report").click()
    expect(emma.locator("#toast")).to_contain_text("report was sent")

    teacher = login("tom.berg")
    teacher.get_by_role("link", name="Reports").click()
    expect(teacher.locator(".report", has_text="Emma is threatened").locator(".category")).to_have_text(
        "Category: Bullying"
    )


def test_a_teacher_who_opened_a_report_is_shown_as_joined_through_a_report(
    login: Login, base_url: str
) -> None:
    with api_as(base_url, "noah.olsen") as noah:
        group = noah.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(noah, "Emma Hansen"), person_id(noah, "Liam Dahl")]},
                "mode": "group",
                "name": "Weekend plans",
                "message": {"body": "Liam is a loser"},
            },
        )
        assert group.status_code in (200, 201), group.text
    report_id = _report(base_url, "liam.dahl", int(group.json()["message"]["id"]), "Name calling in a group")
    with api_as(base_url, "tom.berg") as tom:
        tom.post(f"/api/reports/{report_id}/open").raise_for_status()
    emma = login("emma.hansen")
    open_conversation(emma, "Weekend plans")
    emma.get_by_role("button", name="Conversation settings").click()
    teacher = emma.locator(".participant", has_text="Tom Berg")
    expect(teacher.locator(".tag")).to_have_text("joined through a report")


def test_the_lead_is_designated_then_sees_the_edit_history_escalates_and_reads_a_pupils_history(
    login: Login, base_url: str
) -> None:
    admin = login("per.haugen")
    admin.get_by_role("link", name="Administration").click()
    school = admin.locator("#admin-org option", has_text="Northfield").first.inner_text()
    admin.get_by_label("Organisation").select_option(label=school)
    leads = admin.locator(".safeguarding-leads")
    leads.get_by_label("Designate").select_option(label="David Chen (teacher)")
    leads.get_by_role("button", name="Designate as safeguarding lead").click()
    expect(admin.locator(".safeguarding-leads .leads")).to_contain_text("David Chen")

    with api_as(base_url, "noah.olsen") as noah:
        emma_id = person_id(noah, "Emma Hansen")
        first = noah.post(
            "/api/conversations",
            json={"recipients": {"people": [emma_id]}, "message": {"body": "You are ugly"}},
        ).json()["message"]
        noah.patch(f"/api/messages/{first['id']}", json={"body": "Just kidding"}).raise_for_status()
    _report(base_url, "emma.hansen", first["id"], "He changed what he wrote", category="self_harm")

    lead = login("david.chen")
    lead.get_by_role("link", name="Reports").click()
    card = lead.locator(".reports > .report", has_text="He changed what he wrote").first
    expect(card.locator(".category")).to_contain_text("self-harm")
    history = card.locator("details.edit-history")
    history.locator("summary").click()
    expect(history).to_contain_text("You are ugly")
    card.get_by_label(re.compile("^Escalation note")).fill("Passed to the school nurse")
    card.get_by_role("button", name="Escalate").click()
    card = lead.locator(".reports > .report", has_text="He changed what he wrote").first
    expect(card.locator(".tag").first).to_have_text("escalated")
    expect(card.locator(".escalation")).to_contain_text("Passed to the school nurse")
    card.get_by_role("button", name="Reports about Noah Olsen").click()
    expect(lead.locator(".pupil-history > h2")).to_contain_text("Reports about Noah Olsen")
    expect(lead.locator(".pupil-history")).to_contain_text("He changed what he wrote")
