"""Attachments (§5.2, §6.2) and search (§5.3) in the browser."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.web.conftest import Login
from tests.web.steps import open_conversation


def test_a_file_is_uploaded_and_downloaded(login: Login, tmp_path: Path) -> None:
    student, teacher = login("emma.hansen"), login("maria.jensen")
    notes = tmp_path / "lab-notes.txt"
    notes.write_text("Photosynthesis: light, water, CO2.\n")
    open_conversation(student, "Biology 101")
    student.locator(".composer input[type=file]").set_input_files(notes)
    expect(student.locator(".file-chip")).to_contain_text("lab-notes.txt")
    student.get_by_role("button", name="Send").click()
    expect(student.locator(".message .filename", has_text="lab-notes.txt")).to_be_visible()

    open_conversation(teacher, "Biology 101")
    link = teacher.get_by_role("link", name=re.compile("lab-notes.txt"))
    with teacher.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_text() == notes.read_text()


def test_search_across_conversations_opens_the_match(login: Login) -> None:
    student = login("emma.hansen")
    student.locator("#chat-button").click()
    student.get_by_role("searchbox", name="Search across all conversations").fill("lab")
    student.keyboard.press("Enter")
    hit = student.locator(".hit", has_text="Biology 101")
    expect(hit.locator("mark").first).to_have_text(re.compile("lab", re.IGNORECASE))
    hit.first.click()
    expect(student.locator("#conversation-title")).to_have_text("Biology 101")
