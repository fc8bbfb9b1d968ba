"""Rosters without a shell (issue 12): admins upload a OneRoster CSV zip; it is imported in the background with
progress, the command line's all-or-nothing validation and error report, one job at a time per org, and without
holding up other requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from schoolchat.administration.roster import jobs
from schoolchat.administration.roster.models import roster_jobs
from schoolchat.db.types import utcnow
from schoolchat.people.models import users
from schoolchat.services import Services
from tests.calls import error_of, sent, started
from tests.factories import Factory, Person
from tests.people.roster.generated import roster_files, zipped, zipped_folder
from tests.people.roster.test_import import SAMPLE


async def _upload(
    client: httpx.AsyncClient, who: Person, org_id: int, body: bytes, name: str = "roster.zip"
) -> httpx.Response:
    return await client.post(
        f"/api/admin/orgs/{org_id}/roster-imports",
        headers=who.headers,
        files={"file": (name, body, "application/zip")},
    )


async def _job(client: httpx.AsyncClient, who: Person, job_id: int) -> dict[str, Any]:
    answer = await client.get(f"/api/admin/roster-imports/{job_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _finished(client: httpx.AsyncClient, app: FastAPI, who: Person, job_id: int) -> dict[str, Any]:
    await app.state.roster_imports.wait()
    return await _job(client, who, job_id)


async def _people(services: Services) -> int:
    async with services.db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(users))).scalar_one()


async def test_an_uploaded_roster_is_imported_in_the_background_with_progress(
    client: httpx.AsyncClient, app: FastAPI, make: Factory, services: Services
) -> None:
    admin = await make.person("Dina District", "admin", school=make.district)
    accepted = await _upload(client, admin, make.district, zipped_folder(SAMPLE), "fjord-valley.zip")
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers["location"] == f"/api/admin/roster-imports/{accepted.json()['id']}"
    assert accepted.json()["status"] in ("validating", "writing")
    job = await _finished(client, app, admin, accepted.json()["id"])
    assert (job["status"], job["filename"], job["error_count"], job["progress"]) == (
        "done",
        "fjord-valley.zip",
        0,
        1.0,
    )
    assert job["rows_validated"] == job["rows_written"] == job["rows_total"] > 0
    assert job["summary"]["created"] == {"orgs": 3, "users": 9, "classes": 3, "enrollments": 9}
    async with services.db.read() as conn:
        assert (
            await conn.execute(select(users.c.name).where(users.c.username == "ella.nygaard"))
        ).scalar_one() == "Ella Nygaard"
    listed = (
        await client.get(f"/api/admin/orgs/{make.district}/roster-imports", headers=admin.headers)
    ).json()
    assert [entry["id"] for entry in listed] == [job["id"]]


async def test_the_roster_may_sit_in_a_folder_inside_the_zip(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    accepted = await _upload(client, admin, make.school, zipped(roster_files(3), folder="export-2026/"))
    assert (await _finished(client, app, admin, accepted.json()["id"]))["status"] == "done"


async def test_a_roster_with_errors_reports_file_line_and_column_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, make: Factory, services: Services
) -> None:
    admin = await make.person("Ada Admin", "admin")
    files = roster_files(30)
    files["users.csv"] = files["users.csv"].replace(",student,gen.student7,", ",pupil,gen.student7,")
    files["enrollments.csv"] = files["enrollments.csv"].replace(
        "gen-c0,gen-school,gen-s3,", "gen-c0,gen-school,nobody,"
    )
    before = await _people(services)
    accepted = await _upload(client, admin, make.school, zipped(files))
    job = await _finished(client, app, admin, accepted.json()["id"])
    assert (job["status"], job["error_count"], job["rows_written"], job["summary"]) == ("failed", 2, 0, None)
    assert {(e["file"], e["line"], e["column"]) for e in job["errors"]} == {
        ("users.csv", 11, "role"),
        ("enrollments.csv", 7, "userSourcedId"),
    }
    assert "'pupil' is not a OneRoster role" in {e["message"] for e in job["errors"]}
    assert await _people(services) == before


async def test_a_roster_error_reads_in_the_language_of_whoever_reads_the_report(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin, colleague = await make.person("Ada Admin", "admin"), await make.person("Nils Norsk", "admin")
    chosen = await client.put("/api/me/language", json={"language": "nb"}, headers=colleague.headers)
    assert chosen.status_code == 200, chosen.text
    files = roster_files(3)
    files["users.csv"] = files["users.csv"].replace(",student,gen.student1,", ",pupil,gen.student1,")
    accepted = await _upload(client, admin, make.school, zipped(files))
    in_english = (await _finished(client, app, admin, accepted.json()["id"]))["errors"]
    in_norwegian = (await _job(client, colleague, accepted.json()["id"]))["errors"]
    assert [(e["code"], e["message"]) for e in in_english] == [
        ("role_unknown", "'pupil' is not a OneRoster role")
    ]
    assert [(e["code"], e["message"]) for e in in_norwegian] == [
        ("role_unknown", "«pupil» er ikke en OneRoster-rolle")
    ]


async def test_a_file_that_is_not_a_roster_zip_is_refused_at_once(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    for body in (b"sourcedId,name\n", zipped({"readme.txt": "hello"})):
        refused = await _upload(client, admin, make.school, body)
        assert (refused.status_code, error_of(refused)["code"]) == (422, "invalid_roster_archive")
    listed = (await client.get(f"/api/admin/orgs/{make.school}/roster-imports", headers=admin.headers)).json()
    assert listed == []


async def test_a_roster_may_not_reach_outside_the_org_it_is_uploaded_to(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    district_admin = await make.person("Dina District", "admin", school=make.district)
    first = await _upload(client, district_admin, make.district, zipped(roster_files(3)))
    assert (await _finished(client, app, district_admin, first.json()["id"]))["status"] == "done"
    other_admin = await make.person("Olga Other", "admin", school=make.other_school)
    again = await _upload(client, other_admin, make.other_school, zipped(roster_files(3)))
    job = await _finished(client, app, other_admin, again.json()["id"])
    assert job["status"] == "failed"
    assert ("orgs.csv", 2, "sourcedId") in {(e["file"], e["line"], e["column"]) for e in job["errors"]}
    assert all("outside Other School" in e["message"] for e in job["errors"])


async def test_a_second_upload_for_the_same_org_waits_for_the_first(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    first = await _upload(client, admin, make.school, zipped(roster_files(600)))
    assert first.status_code == 202, first.text
    second = await _upload(client, admin, make.school, zipped(roster_files(3, prefix="other")))
    assert (second.status_code, error_of(second)["code"]) == (409, "roster_import_running")
    assert (await _job(client, admin, first.json()["id"]))["status"] in ("validating", "writing")
    assert (await _finished(client, app, admin, first.json()["id"]))["status"] == "done"
    third = await _upload(client, admin, make.school, zipped(roster_files(3, prefix="other")))
    assert third.status_code == 202, third.text
    await app.state.roster_imports.wait()


async def test_other_requests_are_served_while_a_large_roster_is_written(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    teacher, student = await make.person("Tara Teacher", "teacher"), await make.person("Sia Student")
    conversation = (await started(client, teacher, people=[student.id], body="first"))["conversation"]["id"]
    accepted = await _upload(client, admin, make.school, zipped(roster_files(1500)))
    job_id = accepted.json()["id"]
    job = await _job(client, admin, job_id)
    while job["rows_written"] == 0:  # wait until writing has begun (the roster is then known to be valid)
        job = await _job(client, admin, job_id)
    served = [(await sent(client, teacher, conversation, f"while importing {n}"))["seq"] for n in range(3)]
    during = await _job(client, admin, job_id)
    assert served == [2, 3, 4]
    assert during["status"] == "writing" and 0 < during["rows_written"] < during["rows_total"]
    assert (await _finished(client, app, admin, job_id))["status"] == "done"


async def test_an_import_whose_process_stopped_is_marked_failed_and_frees_the_org(
    client: httpx.AsyncClient, app: FastAPI, make: Factory, services: Services
) -> None:
    admin = await make.person("Ada Admin", "admin")
    orphan = await jobs.start(services, make.school, admin.id, "lost.zip")  # its process is gone
    refused = await _upload(client, admin, make.school, zipped(roster_files(3)))
    assert refused.status_code == 409
    async with services.db.write() as tx:  # the dead process's last heartbeat, long ago
        await tx.conn.execute(
            update(roster_jobs)
            .where(roster_jobs.c.id == orphan.id)
            .values(heartbeat_at=utcnow() - jobs.STALE_AFTER - timedelta(seconds=1))
        )
    accepted = await _upload(client, admin, make.school, zipped(roster_files(3)))
    assert accepted.status_code == 202, accepted.text
    lost = await _job(client, admin, orphan.id)
    assert (lost["status"], lost["failure"]) == (
        "failed",
        (
            "The import stopped when the service did. Upload the "
            "roster again: what was already imported is matched, not repeated."
        ),
    )
    await app.state.roster_imports.wait()


async def test_only_admins_of_the_org_upload_and_follow_rosters(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin, teacher = await make.person("Ada Admin", "admin"), await make.person("Tara Teacher", "teacher")
    other_admin = await make.person("Olga Other", "admin", school=make.other_school)
    for who in (teacher, other_admin):
        refused = await _upload(client, who, make.school, zipped(roster_files(3)))
        assert (refused.status_code, error_of(refused)["code"]) == (404, "not_found")
    accepted = await _upload(client, admin, make.school, zipped(roster_files(3)))
    await app.state.roster_imports.wait()
    for who in (teacher, other_admin):
        hidden = await client.get(f"/api/admin/roster-imports/{accepted.json()['id']}", headers=who.headers)
        assert hidden.status_code == 404


async def test_an_import_given_up_as_stale_stops_writing(
    client: httpx.AsyncClient,
    app: FastAPI,
    make: Factory,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = await make.person("Ada Admin", "admin")
    accepted = await _upload(client, admin, make.school, zipped(roster_files(1500)))
    job_id = accepted.json()["id"]
    while (await _job(client, admin, job_id))["rows_written"] == 0:
        pass
    # Every heartbeat counts as old, as if this process had seemed dead: another process's housekeeping gives the
    # job up at once (aging the row instead races the import's own next heartbeat).
    monkeypatch.setattr(jobs, "STALE_AFTER", -timedelta(hours=1))
    assert await jobs.fail_stale(services) == 1
    given_up = await _job(client, admin, job_id)
    await app.state.roster_imports.wait()
    stopped = await _job(client, admin, job_id)
    assert (
        stopped["status"] == "failed"
        and stopped["rows_written"] == given_up["rows_written"] < stopped["rows_total"]
    )
