"""Reading moves the read cursor over what the reader has had on screen (§7.1: "scroll through to mark messages as
read"): never further, never back, and not while the tab is hidden."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.web.conftest import Login
from tests.web.steps import api_as, message, open_conversation, person_id

ON_SCREEN = """scroller => {
    const view = scroller.getBoundingClientRect();
    return Array.from(scroller.querySelectorAll('.message')).map(row => {
        const box = row.getBoundingClientRect();
        const shown = Math.max(0, Math.min(box.bottom, view.bottom) - Math.max(box.top, view.top));
        return [Number(row.dataset.seq), shown / box.height];
    }).filter(([, share]) => share > 0);
}"""


def _on_screen(page: Page) -> tuple[int, int]:
    """The highest seq wholly on screen and the highest partly on screen."""
    shown = page.locator(".scroller").evaluate(ON_SCREEN)
    return max(seq for seq, share in shown if share >= 0.99), max(seq for seq, _ in shown)


def _cursor(api: httpx.Client, conversation_id: int) -> tuple[int, int]:
    c = api.get(f"/api/conversations/{conversation_id}").json()
    return c["read_seq"], c["unread"]


def _tab(page: Page, state: str) -> None:
    page.evaluate(
        """state => {
        if (state === 'hidden')
            Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
        else delete document.visibilityState;
        document.dispatchEvent(new Event('visibilitychange'));
    }""",
        state,
    )


def test_reading_follows_what_was_on_screen_and_the_badge_clears_at_the_newest(
    login: Login, base_url: str
) -> None:
    with api_as(base_url, "liam.dahl") as liam, api_as(base_url, "noah.olsen") as noah:
        for other in noah.get("/api/unread").json()[
            "conversations"
        ]:  # only this conversation counts on the badge
            noah.post(f"/api/conversations/{other}/read", json={}).raise_for_status()
        started = liam.post(
            "/api/conversations",
            json={
                "recipients": {"people": [person_id(liam, "Noah Olsen"), person_id(liam, "Emma Hansen")]},
                "mode": "group",
                "name": "Reading club",
                "message": {"body": "Page 01"},
            },
        )
        assert started.status_code == 201, started.text
        conversation_id = started.json()["conversation"]["id"]
        for i in range(2, 61):
            page = liam.post(f"/api/conversations/{conversation_id}/messages", json={"body": f"Page {i:02}"})
            page.raise_for_status()
        newest, _ = _cursor(liam, conversation_id)

        reader = login("noah.olsen")
        expect(reader.locator("#chat-badge")).to_have_text("60")
        read = re.compile(f"/api/conversations/{conversation_id}/read$")
        with reader.expect_response(read) as first:  # opens at "New messages", above Page 01
            open_conversation(reader, "Reading club")
        assert first.value.ok
        expect(message(reader, "Page 01")).to_be_in_viewport()
        expect(message(reader, "Page 60")).not_to_be_in_viewport()
        whole, part = _on_screen(reader)
        read_seq, unread = _cursor(noah, conversation_id)
        assert whole <= read_seq <= part < newest, (
            whole,
            read_seq,
            part,
            newest,
        )  # what was shown, no further
        assert 0 < unread < 60
        expect(reader.locator("#chat-badge")).to_have_text(str(unread))

        _tab(reader, "hidden")  # scrolling in a hidden tab reads nothing
        reader.locator(".scroller").evaluate("el => { el.scrollTop = el.scrollHeight / 2; }")
        reader.wait_for_timeout(1000)
        assert _cursor(noah, conversation_id) == (read_seq, unread)
        with reader.expect_response(read):  # back in view: what is on screen now is read
            _tab(reader, "visible")
        whole, part = _on_screen(reader)
        middle, left = _cursor(noah, conversation_id)
        assert read_seq < whole <= middle <= part < newest, (read_seq, whole, middle, part, newest)
        assert 0 < left < unread  # the messages never shown stay unread
        expect(reader.locator("#chat-badge")).to_have_text(str(left))

        reader.locator(".scroller").evaluate(
            "el => { el.scrollTop = 0; }"
        )  # scrolling back moves nothing back
        reader.wait_for_timeout(1000)
        assert _cursor(noah, conversation_id) == (middle, left)

        reader.locator(".messages").focus()  # the keyboard scrolls through to the newest
        reader.keyboard.press("End")
        expect(message(reader, "Page 60")).to_be_in_viewport()
        expect(reader.locator("#chat-badge")).to_be_hidden()
        assert _cursor(noah, conversation_id) == (newest, 0)
