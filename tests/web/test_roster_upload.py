"""Issue 12 in the browser: an admin uploads a OneRoster zip on the admin page and watches its import, or reads
the error report of a roster with a mistake."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.people.roster.generated import roster_files, zipped
from tests.web.conftest import Login
from tests.web.steps import screenshot


def test_an_admin_uploads_a_roster_and_watches_it_import(login: Login, tmp_path: Path) -> None:
    good, bad = tmp_path / "riverside.zip", tmp_path / "mistake.zip"
    good.write_bytes(zipped(roster_files(40, prefix="web")))
    files = roster_files(5, prefix="webbad")
    files["users.csv"] = files["users.csv"].replace(",student,webbad.student2,", ",pupil,webbad.student2,")
    bad.write_bytes(zipped(files))
    admin = login("grace.okafor")
    admin.get_by_role("link", name="Administration").click()
    admin.get_by_label("Roster zip").set_input_files(str(bad))
    admin.get_by_role("button", name="Upload roster").click()
    failed = admin.locator(".roster-job", has_text="mistake.zip")
    expect(failed).to_have_attribute("data-status", "failed")
    expect(failed.locator(".roster-errors tbody tr")).to_have_text(
        re.compile(r"users\.csv\s*5\s*role\s*'pupil' is not")
    )

    admin.get_by_label("Roster zip").set_input_files(str(good))
    admin.get_by_role("button", name="Upload roster").click()
    done = admin.locator(".roster-job", has_text="riverside.zip")
    expect(done).to_have_attribute("data-status", "done", timeout=20_000)
    expect(done).to_contain_text(
        re.compile(r"Imported \d+ rows\. Created: 1 orgs, 42 users, 2 classes, 42 enrollments")
    )
    screenshot(admin, "roster-upload")
