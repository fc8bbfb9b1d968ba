"""Retention policies per org, inherited down the hierarchy, with dry run, run and legal hold (issue 16).

One test per rule: inheritance, each kind's period, the confirmation, dry-run counts equal to what a run removes,
every copy gone after a run while held evidence survives, batches with progress and the audit summary, the daily
round, and who may do it. Ages are made by moving rows' times back, never by waiting.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from schoolchat.administration import writes
from schoolchat.attachments.models import attachments
from schoolchat.db.types import utcnow
from schoolchat.messages.models import messages
from schoolchat.moderation.models import reports
from schoolchat.people.reach import org_tree
from schoolchat.policy.retention import Kind, in_force
from schoolchat.privacy import retention, retention_queries
from schoolchat.privacy.models import retention_runs
from schoolchat.realtime import log
from schoolchat.services import Services
from tests.attachments import samples
from tests.attachments.calls import sent_files, uploaded
from tests.calls import conversation_list, error_of, history, sent, started
from tests.factories import Factory, Person
from tests.privacy.conftest import School, audited, report
from tests.spies import calls_of

SECRET_TEXT = "The zebra password is under the mat"
NONE = {"course": 0, "project": 0, "direct": 0, "group": 0, "individual": 0, "mass": 0, "reports": 0}


@pytest.fixture
async def direct_chat(client: httpx.AsyncClient, school: School) -> int:
    """A 1:1 between the pupil and the classmate."""
    return int(
        (await started(client, school.pupil, people=[school.classmate.id], body="hi"))["conversation"]["id"]
    )


async def put_settings(
    client: httpx.AsyncClient, admin: Person, org_id: int, **days: int | None
) -> httpx.Response:
    return await client.put(
        f"/api/admin/orgs/{org_id}/retention",
        headers=admin.headers,
        json={"settings": [{"kind": kind, "days": value} for kind, value in days.items()]},
    )


async def dry_run(client: httpx.AsyncClient, admin: Person, org_id: int) -> dict[str, int]:
    answer = await client.post(f"/api/admin/orgs/{org_id}/retention/dry-run", headers=admin.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def run(client: httpx.AsyncClient, services: Services, admin: Person, org_id: int) -> dict[str, Any]:
    answer = await client.post(
        f"/api/admin/orgs/{org_id}/retention/runs", json={"confirm": True}, headers=admin.headers
    )
    assert answer.status_code == 202, answer.text
    await retention.continue_runs(services)
    status = await client.get(
        f"/api/admin/orgs/{org_id}/retention/runs/{answer.json()['id']}", headers=admin.headers
    )
    return dict(status.json())


async def age(services: Services, days: int, *message_ids: int) -> None:
    """Move messages back in time by ``days``."""
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(messages)
            .where(messages.c.id.in_(message_ids))
            .values(created_at=utcnow() - timedelta(days=days))
        )


async def end_course(client: httpx.AsyncClient, admin: Person, course_id: int, days_ago: int) -> None:
    answer = await client.patch(
        f"/api/admin/spaces/{course_id}",
        headers=admin.headers,
        json={"ends_on": (date.today() - timedelta(days=days_ago)).isoformat()},
    )
    assert answer.status_code == 204, answer.text


async def test_an_org_follows_the_nearest_setting_above_it_and_keeps_where_nobody_set_one(
    client: httpx.AsyncClient, make: Factory
) -> None:
    district_admin = await make.person("Dora District", "admin", school=make.district)
    assert (
        await put_settings(client, district_admin, make.district, conversation_messages=30)
    ).status_code == 200
    assert (
        await put_settings(client, district_admin, make.school, conversation_messages=90, closed_reports=None)
    ).status_code == 200
    school = {
        row["kind"]: row
        for row in (
            await client.get(f"/api/admin/orgs/{make.school}/retention", headers=district_admin.headers)
        ).json()
    }
    other = {
        row["kind"]: row
        for row in (
            await client.get(f"/api/admin/orgs/{make.other_school}/retention", headers=district_admin.headers)
        ).json()
    }
    assert school["conversation_messages"] == {
        "kind": "conversation_messages",
        "days": 90,
        "source": "this org",
        "set_by_org_id": make.school,
    }
    assert school["closed_reports"]["days"] is None and school["closed_reports"]["source"] == "this org"
    assert (
        other["conversation_messages"]["days"] == 30
        and other["conversation_messages"]["source"] == "inherited"
    )
    assert other["space_messages"] == {
        "kind": "space_messages",
        "days": None,
        "source": "default",
        "set_by_org_id": None,
    }


async def test_course_messages_go_the_given_days_after_the_course_ended(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School
) -> None:
    await sent(client, school.pupil, school.course_chat, SECRET_TEXT)
    await put_settings(client, school.admin, make.school, space_messages=30)
    assert await dry_run(client, school.admin, make.school) == NONE  # the course has not ended
    await end_course(client, school.admin, school.course_id, days_ago=10)
    assert await dry_run(client, school.admin, make.school) == NONE  # ended, but not 30 days ago
    await end_course(client, school.admin, school.course_id, days_ago=31)
    assert await dry_run(client, school.admin, make.school) == {**NONE, "course": 2}


async def test_direct_and_group_messages_older_than_the_period_go_and_newer_ones_stay(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School, direct_chat: int
) -> None:
    old = await sent(client, school.pupil, direct_chat, SECRET_TEXT)
    await sent(client, school.classmate, direct_chat, "still fresh")
    group = (
        await started(
            client,
            school.pupil,
            people=[school.classmate.id, school.teacher.id],
            mode="group",
            body="hello group",
        )
    )["conversation"]["id"]
    await age(services, 40, old["id"], (await sent(client, school.pupil, group, "old group news"))["id"])
    await put_settings(client, school.admin, make.school, conversation_messages=30)
    assert await dry_run(client, school.admin, make.school) == {**NONE, "direct": 1, "group": 1}
    await run(client, services, school.admin, make.school)
    bodies = [
        message["body"] for message in (await history(client, school.classmate, direct_chat))["messages"]
    ]
    assert SECRET_TEXT not in bodies and "still fresh" in bodies


async def test_closed_reports_go_after_their_period_and_legal_hold_and_open_ones_never(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School
) -> None:
    message = await sent(client, school.pupil, school.course_chat, SECRET_TEXT)
    closed, still_open = (
        await report(client, school.classmate, message["id"]),
        await report(client, school.classmate, message["id"]),
    )
    reviewed = await client.post(
        f"/api/reports/{closed}/review",
        json={"status": "dismissed", "note": "ok"},
        headers=school.teacher.headers,
    )
    assert reviewed.status_code == 200, reviewed.text
    await put_settings(client, school.admin, make.school, closed_reports=30)
    hold = services.settings.legal_hold_days
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(reports).values(
                reviewed_at=utcnow() - timedelta(days=31), created_at=utcnow() - timedelta(days=hold + 40)
            )
        )
    assert (await dry_run(client, school.admin, make.school))["reports"] == 0  # closed, but under legal hold
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(reports)
            .where(reports.c.id == closed)
            .values(reviewed_at=utcnow() - timedelta(days=hold + 1))
        )
    assert (await dry_run(client, school.admin, make.school))["reports"] == 1
    await run(client, services, school.admin, make.school)
    async with services.db.read() as conn:
        left = (await conn.execute(select(reports.c.id))).scalars().all()
    assert left == [still_open]


async def test_every_copy_is_gone_after_a_run_and_held_evidence_survives(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School, tmp_path: Path
) -> None:
    file = await uploaded(client, school.pupil, "zebra.pdf", samples.PDF)
    gone = await sent_files(client, school.pupil, school.course_chat, [file["id"]], SECRET_TEXT)
    other = await make.space(
        "Chemistry", teachers=[school.teacher], students=[school.pupil, school.classmate]
    )
    other_chat = (await started(client, school.teacher, courses=[other.id], mode="group", body="hi"))[
        "conversation"
    ]["id"]
    evidence_file = await uploaded(client, school.pupil, "held-zebra.pdf", samples.PDF)
    held = await sent_files(client, school.pupil, other_chat, [evidence_file["id"]], "zebra evidence")
    report_id = await report(client, school.classmate, held["id"])  # its evidence: the Chemistry conversation
    for course_id in (school.course_id, other.id):
        await end_course(client, school.admin, course_id, days_ago=31)
    await put_settings(client, school.admin, make.school, space_messages=30)
    await run(client, services, school.admin, make.school)
    page = [await history(client, school.classmate, chat) for chat in (school.course_chat, other_chat)]
    single = await client.get(f"/api/messages/{gone['id']}", headers=school.classmate.headers)
    found = await client.get("/api/search", params={"q": "zebra"}, headers=school.classmate.headers)
    replayed = await client.get("/api/events", params={"after": 0}, headers=school.classmate.headers)
    listed = json.dumps(await conversation_list(client, school.classmate))
    assert "zebra" not in json.dumps(page) and "zebra" not in single.text and found.json()["hits"] == []
    assert "zebra" not in replayed.text and "zebra" not in listed
    assert (
        await client.get(f"/api/attachments/{file['id']}", headers=school.classmate.headers)
    ).status_code == 404
    async with services.db.read() as conn:
        logged = json.dumps([event.payload for event in await log.events_after(conn, 0, 10_000)])
        files = (await conn.execute(select(attachments.c.id))).scalars().all()
    assert "zebra" not in logged and files == [evidence_file["id"]]
    assert len([path for path in (tmp_path / "attachments").rglob("*") if path.is_file()]) == 1
    seen = await client.get(f"/api/reports/{report_id}", headers=school.teacher.headers)
    assert seen.status_code == 200 and "zebra evidence" in seen.text
    kept = await client.get(
        f"/api/reports/{report_id}/attachments/{evidence_file['id']}", headers=school.teacher.headers
    )
    assert kept.status_code == 200 and kept.content == samples.PDF


async def test_the_dry_run_counts_what_the_run_removes(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School, direct_chat: int
) -> None:
    for text in ("one", "two", "three"):
        await age(services, 50, (await sent(client, school.pupil, direct_chat, text))["id"])
    await sent(client, school.teacher, school.course_chat, "course news")
    await end_course(client, school.admin, school.course_id, days_ago=100)
    await put_settings(client, school.admin, make.school, space_messages=60, conversation_messages=45)
    counted = await dry_run(client, school.admin, make.school)
    finished = await run(client, services, school.admin, make.school)
    assert counted == {**NONE, "course": 2, "direct": 3}
    assert (
        finished["planned"] == counted and finished["removed"] == counted and finished["status"] == "finished"
    )
    assert await dry_run(client, school.admin, make.school) == NONE


async def test_a_run_asks_for_confirmation_saying_what_goes_and_what_legal_hold_keeps(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School, direct_chat: int
) -> None:
    await age(services, 50, (await sent(client, school.pupil, direct_chat, SECRET_TEXT))["id"])
    await put_settings(client, school.admin, make.school, conversation_messages=30)
    answer = await client.post(
        f"/api/admin/orgs/{make.school}/retention/runs", json={}, headers=school.admin.headers
    )
    error = error_of(answer)
    assert answer.status_code == 409 and error["code"] == "confirmation_required"
    assert error["details"]["counts"]["direct"] == 1 and "legal hold" in error["message"]
    assert SECRET_TEXT in json.dumps(await history(client, school.classmate, direct_chat))


async def test_a_run_works_in_batches_reports_progress_and_records_a_summary_in_the_audit_log(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School, direct_chat: int
) -> None:
    ids = [(await sent(client, school.pupil, direct_chat, f"old {n}"))["id"] for n in range(5)]
    await age(services, 50, *ids)
    await put_settings(client, school.admin, make.school, conversation_messages=30)
    started_run = (
        await client.post(
            f"/api/admin/orgs/{make.school}/retention/runs",
            json={"confirm": True},
            headers=school.admin.headers,
        )
    ).json()
    assert started_run["status"] == "running" and started_run["progress"] == 0
    async with services.db.read() as conn:
        policies = await retention_queries.policies(conn)
    assert (
        await retention._batch(services, policies, started_run["id"], 2) == 2
    )  # one batch: the job stops here
    halfway = (
        await client.get(
            f"/api/admin/orgs/{make.school}/retention/runs/{started_run['id']}", headers=school.admin.headers
        )
    ).json()
    assert halfway["removed"]["direct"] == 2 and halfway["progress"] == 40 and halfway["status"] == "running"
    assert await retention.continue_runs(services, batch_size=2) == 3  # resumed where it stopped
    entries = (
        await client.get(
            "/api/admin/audit",
            params={"object_type": "org", "object_id": make.school},
            headers=school.admin.headers,
        )
    ).json()["entries"]
    summary = next(entry for entry in entries if entry["action"] == "retention.finished")
    assert summary["details"]["removed"]["direct"] == 5
    assert [entry["action"] for entry in entries].count("retention.changed") == 1


async def test_the_daily_round_runs_over_every_top_org_once_a_day(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School, direct_chat: int
) -> None:
    await age(services, 50, (await sent(client, school.pupil, direct_chat, SECRET_TEXT))["id"])
    await put_settings(client, school.admin, make.school, conversation_messages=30)
    assert await retention.daily(services) == 1
    await age(services, 50, (await sent(client, school.pupil, direct_chat, "later"))["id"])
    assert await retention.daily(services) == 0  # not again the same day
    assert await retention.daily(services, now=utcnow() + timedelta(days=1)) == 1
    assert SECRET_TEXT not in json.dumps(await history(client, school.classmate, direct_chat))


async def test_the_daily_round_reads_the_org_tree_and_works_out_each_orgs_periods_once_for_all_top_orgs(
    client: httpx.AsyncClient,
    services: Services,
    make: Factory,
    school: School,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A country's deployment has hundreds of top orgs (municipalities) over thousands of schools: a round that
    read the tree and worked out every org's periods again for each run did O(top orgs × orgs) on the event loop."""
    async with services.db.write() as tx:
        for n in range(20):
            top = await writes.insert_org(tx, name=f"Municipality {n}", kind="district", parent_id=None)
            await writes.insert_org(tx, name=f"School {n}", kind="school", parent_id=top)
    await put_settings(client, school.admin, make.school, conversation_messages=30)
    trees = calls_of(monkeypatch, retention_queries, "org_tree")
    worked_out: list[int] = []
    monkeypatch.setattr(
        retention_queries,
        "in_force",
        lambda chain, *rest: worked_out.append(chain[0]) or in_force(chain, *rest),
    )
    async with services.db.read() as conn:
        orgs_in_all = len((await org_tree(conn)).parent)
    runs = await started_runs(services)
    await retention.daily(services)
    assert await started_runs(services) - runs == 22  # the factory's two top orgs, and these twenty
    assert len(trees) == 1
    assert len(worked_out) <= orgs_in_all * len(Kind)


async def started_runs(services: Services) -> int:
    async with services.db.read() as conn:
        return len((await conn.execute(select(retention_runs.c.id))).all())


async def test_two_processes_working_on_one_run_at_once_remove_each_message_once(
    client: httpx.AsyncClient,
    services: Services,
    second_services: Services,
    make: Factory,
    school: School,
    direct_chat: int,
) -> None:
    old = [(await sent(client, school.pupil, direct_chat, f"{SECRET_TEXT} {n}"))["id"] for n in range(5)]
    await age(services, 50, *old)
    await put_settings(client, school.admin, make.school, conversation_messages=30)
    started_run = await client.post(
        f"/api/admin/orgs/{make.school}/retention/runs", json={"confirm": True}, headers=school.admin.headers
    )
    assert started_run.status_code == 202, started_run.text
    rounds = await asyncio.gather(
        retention.continue_runs(services, batch_size=2),
        retention.continue_runs(second_services, batch_size=2),
    )
    assert sum(rounds) == 5
    status = (
        await client.get(
            f"/api/admin/orgs/{make.school}/retention/runs/{started_run.json()['id']}",
            headers=school.admin.headers,
        )
    ).json()
    assert status["status"] == "finished" and status["removed"]["direct"] == 5
    assert await audited(services, "retention.finished") == 1


async def test_two_processes_daily_rounds_at_once_start_one_run_per_top_org(
    client: httpx.AsyncClient, services: Services, second_services: Services, make: Factory, school: School
) -> None:
    await asyncio.gather(retention.daily(services), retention.daily(second_services))
    async with services.db.read() as conn:
        started_for = (await conn.execute(select(retention_runs.c.org_id))).scalars().all()
    assert sorted(started_for) == sorted(set(started_for)) and started_for
    assert await audited(services, "retention.started") == len(started_for)


async def test_only_an_admin_of_the_org_sees_sets_or_runs_its_retention(
    client: httpx.AsyncClient, make: Factory, school: School
) -> None:
    outsider = await make.person("Olga Other", "admin", school=make.other_school)
    for who, status in ((school.teacher, 404), (school.pupil, 404), (outsider, 404)):
        base = f"/api/admin/orgs/{make.school}/retention"
        assert (await client.get(base, headers=who.headers)).status_code == status
        assert (await put_settings(client, who, make.school, conversation_messages=1)).status_code == status
        assert (await client.post(f"{base}/dry-run", headers=who.headers)).status_code == status
        assert (
            await client.post(f"{base}/runs", json={"confirm": True}, headers=who.headers)
        ).status_code == status
    assert (await client.get(f"/api/admin/orgs/{make.school}/retention")).status_code == 401


async def test_retention_requests_have_a_rate(
    client: httpx.AsyncClient, services: Services, make: Factory, school: School
) -> None:
    limit = int(services.settings.rate_privacy_requests.split("/")[0])
    for _ in range(limit):
        assert (
            await client.post(
                f"/api/admin/orgs/{make.school}/retention/dry-run", headers=school.admin.headers
            )
        ).status_code == 200
    answer = await client.post(
        f"/api/admin/orgs/{make.school}/retention/dry-run", headers=school.admin.headers
    )
    assert answer.status_code == 429 and error_of(answer)["details"]["limit"] == "privacy_requests"
