"""Steps the browser tests share: open a conversation, send, find a message, read the badge, take a screenshot."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.openapi_check import checking_server_sync
from tests.web.conftest import PASSWORD

SCREENSHOTS = os.environ.get(
    "SCHOOLCHAT_SCREENSHOTS"
)  # a folder, e.g. docs/screenshots, to refresh the pictures


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=Path(SCREENSHOTS) / f"{name}.png", animations="disabled")


def open_conversation(page: Page, name: str) -> None:
    if page.locator("#panel").is_hidden():
        page.locator("#chat-button").click()
    title = page.locator(".name", has_text=re.compile(f"^{re.escape(name)}\\."))
    page.locator("#panel .conv-item a").filter(has=title).first.click()
    expect(page.locator("#conversation-title")).to_have_text(name)


def new_message_to(page: Page, names: list[str]) -> None:
    """New message, with these people picked as recipients (each found by their first name)."""
    page.locator("#chat-button").click()
    page.get_by_role("button", name="New message").click()
    recipients = page.get_by_role("combobox", name="Add recipients")
    for name in names:
        recipients.fill(name.split()[0])
        page.get_by_role("option", name=re.compile(name)).click()


def send(page: Page, text: str) -> None:
    page.get_by_role("textbox", name=re.compile("^Write message to")).fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message .body", has_text=text)).to_be_visible()


def message(page: Page, text: str) -> Locator:
    return page.locator(".message", has_text=text)


def badge(page: Page) -> str:
    return page.locator("#chat-badge").inner_text() if page.locator("#chat-badge").is_visible() else "0"


def api_as(base_url: str, username: str) -> httpx.Client:
    """An API client with a bearer token, for setting the scene faster than clicking would."""
    token = httpx.post(
        f"{base_url}/api/auth/tokens", json={"username": username, "password": PASSWORD}
    ).json()
    return httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token['access_token']}"},
        event_hooks={"response": [checking_server_sync(base_url)]},
    )


def person_id(api: httpx.Client, name: str) -> int:
    return int(api.get("/api/recipients", params={"q": name}).json()["people"][0]["id"])
