"""Long histories page back by keyset, the connection state shows and resyncs after a cut, and axe-core finds no
WCAG 2.1 A/AA violations (contrast included) on the main screens."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, WebSocketRoute, expect

from tests.web.conftest import Login
from tests.web.steps import api_as, message, open_conversation, person_id

AXE = Path(__file__).parents[2] / "src" / "schoolchat" / "web" / "node_modules" / "axe-core" / "axe.min.js"


def test_scrolling_back_loads_earlier_pages_in_order(login: Login, base_url: str) -> None:
    with api_as(base_url, "liam.dahl") as api:
        started = api.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(api, "Noah Olsen"), person_id(api, "Emma Hansen")]},
                "mode": "group",
                "name": "Long history",
                "message": {"body": "Line 001"},
            },
        )
        assert started.status_code == 201, started.text
        conversation_id = started.json()["conversation"]["id"]
        for i in range(2, 76):
            api.post(
                f"/api/conversations/{conversation_id}/messages", json={"body": f"Line {i:03}"}
            ).raise_for_status()
    with api_as(
        base_url, "noah.olsen"
    ) as api:  # read: opening at unread messages would load back to the first
        api.post(f"/api/conversations/{conversation_id}/read", json={}).raise_for_status()
    reader = login("noah.olsen")
    open_conversation(reader, "Long history")
    expect(message(reader, "Line 075")).to_be_visible()
    expect(reader.locator(".message")).to_have_count(30)
    for shown in (60, 75):
        reader.locator(".scroller").evaluate("el => { el.scrollTop = 0; }")
        expect(reader.locator(".message")).to_have_count(shown)
    seqs = [int(s) for s in reader.locator(".message").evaluate_all("els => els.map(e => e.dataset.seq)")]
    assert seqs == sorted(seqs) and len(set(seqs)) == 75
    expect(reader.get_by_role("button", name="Load earlier messages")).to_be_hidden()


def test_a_cut_connection_shows_reconnecting_and_resyncs_what_was_missed(login: Login, base_url: str) -> None:
    sockets: list[WebSocketRoute] = []
    blocked = {"now": False}

    def hub(ws: WebSocketRoute) -> None:
        if blocked["now"]:
            ws.close()
            return
        ws.connect_to_server()
        sockets.append(ws)

    reader = login("noah.olsen", hub=hub)
    open_conversation(reader, "Emma Hansen")
    blocked["now"] = True
    sockets[-1].close()
    status = reader.get_by_role("status").filter(has_text="Reconnecting")
    expect(status).to_be_visible()
    with api_as(base_url, "emma.hansen") as api:
        direct = api.post(
            "/api/conversations", json={"recipients": {"people": [person_id(api, "Noah Olsen")]}}
        ).json()
        api.post(
            f"/api/conversations/{direct['conversation']['id']}/messages",
            json={"body": "Sent while you were away"},
        ).raise_for_status()
    blocked["now"] = False
    expect(message(reader, "Sent while you were away")).to_be_visible(timeout=15_000)
    expect(status).to_be_hidden()


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=AXE)
    found = page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    return [str(v) for v in found]


def test_the_main_screens_pass_axe(login: Login) -> None:
    page = login("emma.hansen", bypass_csp=True)  # only so that the test can inject axe-core
    page.locator("#chat-button").click()
    expect(page.locator(".conv-item").first).to_be_visible()
    screens = {"list": axe_violations(page)}
    open_conversation(page, "Biology 101")
    screens["conversation"] = axe_violations(page)
    page.get_by_role("button", name="Conversation settings").click()
    expect(page.locator(".participant").first).to_be_visible()
    screens["settings"] = axe_violations(page)
    page.get_by_role("button", name="New message").click()
    page.get_by_role("combobox", name="Add recipients").fill("No")
    expect(page.get_by_role("option").first).to_be_visible()
    screens["new message"] = axe_violations(page)
    assert not any(screens.values()), json.dumps(screens, indent=1)
    assert re.search("Biology 101", page.content())
