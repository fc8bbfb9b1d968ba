"""Retention and data exports in the browser (issue 16): an org's periods with what is inherited, the dry run's
counts, a run and its result; an admin's export of a person and a person's export of their own data."""

from __future__ import annotations

import io
import json
import zipfile

from playwright.sync_api import Locator, Page, expect

from tests.web.conftest import Login

# Long enough that nothing of the demo school is due: these tests run beside the others on one server.
DAYS = "3650"


def _administer(admin: Page, org: str) -> Locator:
    """The retention card of ``org`` on the Administration page, once it shows that org."""
    admin.get_by_role("link", name="Administration").click()
    retention = admin.locator(".retention")
    expect(retention).to_be_visible()
    if org not in retention.locator("p").first.inner_text():
        admin.get_by_label("Organisation").select_option(
            label=admin.locator("#admin-org option", has_text=org).first.inner_text()
        )
    expect(retention.locator("p").first).to_contain_text(org)
    return retention


def _downloaded(page: Page, link: Locator) -> dict[str, object]:
    with page.expect_download() as download:
        link.click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        return dict(json.loads(archive.read("export.json")))


def test_a_school_shows_the_retention_it_inherits_from_its_district_and_its_own(login: Login) -> None:
    district = _administer(login("ingrid.solberg"), "Northfield School District")
    district.get_by_label("Closed reports (days after they were closed)", exact=True).select_option(
        label="Remove after"
    )
    district.get_by_label("Days: Closed reports (days after they were closed)").fill(DAYS)
    district.get_by_role("button", name="Save retention").click()
    expect(district.page.locator("#toast")).to_contain_text("Retention of Northfield School District saved.")
    expect(district.get_by_role("row", name="Closed reports")).to_contain_text(f"{DAYS} days (set here)")

    school = _administer(login("grace.okafor"), "Riverside Middle")
    expect(school.get_by_role("row", name="Closed reports")).to_contain_text(
        f"{DAYS} days (from the organisation above)"
    )
    expect(school.get_by_role("row", name="Mass messages")).to_contain_text("kept (nobody set one)")
    school.get_by_label("Mass messages (days after they were sent)", exact=True).select_option(label="Keep")
    school.get_by_role("button", name="Save retention").click()
    expect(school.get_by_role("row", name="Mass messages")).to_contain_text("kept (set here)")


def test_the_dry_run_counts_what_a_run_would_remove_per_conversation_kind(login: Login) -> None:
    retention = _administer(login("grace.okafor"), "Riverside Middle")
    retention.get_by_role("button", name="Dry run").click()
    counts = retention.locator(".retention-counts")
    expect(counts.locator("caption")).to_have_text("A run now would remove")
    for kind in (
        "Messages in course conversations",
        "Messages in 1:1 conversations",
        "Messages in group conversations",
        "Mass messages",
        "Closed reports",
    ):
        expect(counts.get_by_role("row", name=kind)).to_contain_text("0")


def test_an_admin_confirms_a_retention_run_and_sees_its_result(login: Login) -> None:
    admin = login("grace.okafor")
    retention = _administer(admin, "Riverside Middle")
    retention.get_by_role("button", name="Start a run").click()
    dialog = admin.get_by_role("dialog")
    expect(dialog).to_contain_text("Riverside Middle School")
    dialog.get_by_role("button", name="Start a run").click()
    result = retention.locator(".retention-result")
    expect(result.locator(".run-finished")).to_have_text("The run has finished.", timeout=30_000)
    expect(result.locator("caption")).to_have_text("Removed")
    expect(result.get_by_role("row", name="Messages in 1:1 conversations")).to_contain_text("0 of 0")


def test_an_admin_exports_a_persons_data_and_downloads_it_from_the_link(login: Login) -> None:
    admin = login("grace.okafor")
    admin.get_by_role("link", name="Administration").click()
    admin.get_by_role("button", name="Export the data of Olivia Berg").click()
    export = admin.locator(".privacy-jobs .export")
    expect(export).to_contain_text("The export of Olivia Berg is ready.", timeout=30_000)
    expect(export).to_contain_text("The link works until")
    doc = _downloaded(admin, export.get_by_role("link", name="Download the export"))
    assert doc["profile"]["name"] == "Olivia Berg"  # type: ignore[index]


def test_a_person_exports_their_own_data_from_the_profile_menu(login: Login) -> None:
    emma = login("emma.hansen")
    emma.locator("#profile-menu button").first.click()
    emma.get_by_role("menuitem", name="Export my data").click()
    dialog = emma.get_by_role("dialog", name="Your data")
    expect(dialog).to_contain_text("Only you can download it.")
    expect(dialog.locator(".export")).to_contain_text("The export of Emma Hansen is ready.", timeout=30_000)
    doc = _downloaded(emma, dialog.get_by_role("link", name="Download the export"))
    assert doc["profile"]["name"] == "Emma Hansen"  # type: ignore[index]
    assert doc["messages_sent"] is not None
