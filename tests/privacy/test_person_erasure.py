"""Erasing a person (GDPR Art. 17) with legal hold on what reports froze as evidence (issue 16).

One test per rule: what the admin confirms, every copy of the person's content gone, "Former user" in what others
see, no sign-in, the tombstone, the batched job, legal hold (kept for the reviewers only, released once the report
is closed and its hold period has passed), the audit log, and who may erase.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select, update

from schoolchat.administration.roster.models import roster_ids
from schoolchat.attachments.models import attachments
from schoolchat.db.types import utcnow
from schoolchat.messages.models import messages
from schoolchat.moderation.models import audit_log
from schoolchat.notifications.models import push_subscriptions
from schoolchat.people.models import users
from schoolchat.privacy import actions
from schoolchat.realtime import log
from schoolchat.services import Services
from tests.attachments import samples
from tests.attachments.calls import sent_files, uploaded
from tests.calls import conversation_list, error_of, history, sent, started
from tests.factories import PASSWORD, Factory, Person
from tests.privacy.conftest import School, audited, report

SECRET_TEXT = "My zebra diary is under the bed"


async def erase(client: httpx.AsyncClient, admin: Person, person: Person, **body: object) -> httpx.Response:
    return await client.post(
        f"/api/admin/users/{person.id}/erasure", json={"confirm": True, **body}, headers=admin.headers
    )


async def erased(
    client: httpx.AsyncClient, services: Services, admin: Person, person: Person
) -> dict[str, object]:
    answer = await erase(client, admin, person)
    assert answer.status_code == 202, answer.text
    await actions.continue_erasures(services)
    return answer.json()


async def test_an_admin_confirms_an_erasure_told_what_goes_and_what_is_kept(
    client: httpx.AsyncClient, school: School
) -> None:
    message = await sent(client, school.pupil, school.course_chat, SECRET_TEXT)
    await sent(client, school.pupil, school.course_chat, "second")
    await report(client, school.classmate, message["id"])
    answer = await client.post(
        f"/api/admin/users/{school.pupil.id}/erasure", json={}, headers=school.admin.headers
    )
    assert answer.status_code == 409
    error = error_of(answer)
    assert error["code"] == "confirmation_required"
    assert error["details"] == {"confirm": True, "messages": 2, "kept_as_evidence": 1}
    assert "Emma Hansen" in error["message"] and "kept" in error["message"]
    assert (await history(client, school.classmate, school.course_chat))["messages"][0]["body"] == "second"


async def test_an_erased_persons_messages_and_files_are_gone_from_every_copy(
    client: httpx.AsyncClient, services: Services, school: School, tmp_path: Path
) -> None:
    file = await uploaded(client, school.pupil, "zebra.pdf", samples.PDF)
    with_file = await sent_files(client, school.pupil, school.course_chat, [file["id"]], SECRET_TEXT)
    await uploaded(client, school.pupil, "unsent-zebra.pdf", samples.PDF)
    direct = (await started(client, school.pupil, people=[school.classmate.id], body=SECRET_TEXT))[
        "conversation"
    ]["id"]
    await erased(client, services, school.admin, school.pupil)
    for conversation_id in (school.course_chat, direct):
        page = await history(client, school.classmate, conversation_id)
        assert "zebra" not in json.dumps(page)
    listed = json.dumps(await conversation_list(client, school.classmate))
    found = await client.get("/api/search", params={"q": "zebra"}, headers=school.classmate.headers)
    replayed = await client.get("/api/events", params={"after": 0}, headers=school.classmate.headers)
    assert "zebra" not in listed and found.json()["hits"] == [] and "zebra" not in replayed.text
    assert (
        await client.get(f"/api/attachments/{file['id']}", headers=school.classmate.headers)
    ).status_code == 404
    assert [path for path in (tmp_path / "attachments").rglob("*") if path.is_file()] == []
    async with services.db.read() as conn:
        stored = (
            (await conn.execute(select(messages.c.body).where(messages.c.sender_id == school.pupil.id)))
            .scalars()
            .all()
        )
        files = (await conn.execute(select(func.count()).select_from(attachments))).scalar_one()
        logged = json.dumps([event.payload for event in await log.events_after(conn, 0, 10_000)])
    assert set(stored) == {""} and files == 0 and "zebra" not in logged
    assert (await history(client, school.classmate, school.course_chat))["messages"][0]["id"] == with_file[
        "id"
    ]


async def test_an_erased_person_is_former_user_in_what_others_see(
    client: httpx.AsyncClient, services: Services, school: School
) -> None:
    message = await sent(client, school.pupil, school.course_chat, SECRET_TEXT)
    deleted_before = await sent(client, school.pupil, school.course_chat, "gone already")
    assert (
        await client.delete(f"/api/messages/{deleted_before['id']}", headers=school.pupil.headers)
    ).status_code == 200
    direct = (await started(client, school.classmate, people=[school.teacher.id], body="look"))[
        "conversation"
    ]["id"]
    forwarded = await client.post(
        f"/api/messages/{message['id']}/forward",
        json={"conversation_id": direct},
        headers=school.classmate.headers,
    )
    assert forwarded.status_code == 201, forwarded.text
    await erased(client, services, school.admin, school.pupil)
    shown = {m["id"]: m for m in (await history(client, school.classmate, school.course_chat))["messages"]}
    assert shown[message["id"]]["sender"]["name"] == "Former user"
    assert shown[message["id"]]["deleted"]["notice"] == "This message was deleted."
    forward = (await history(client, school.teacher, direct))["messages"][0]
    assert forward["forwarded_from"]["sender_name"] == "Former user"
    participants = await client.get(
        f"/api/conversations/{school.course_chat}/participants", headers=school.classmate.headers
    )
    replayed = await client.get("/api/events", params={"after": 0}, headers=school.teacher.headers)
    assert "Emma Hansen" not in participants.text and "Former user" in participants.text
    assert "Emma Hansen" not in json.dumps(
        [e for e in replayed.json()["events"] if e["type"].startswith("message.")]
    )


async def test_an_erased_person_cannot_sign_in_and_their_sessions_end(
    client: httpx.AsyncClient, services: Services, school: School
) -> None:
    await erased(client, services, school.admin, school.pupil)
    assert (await client.get("/api/me", headers=school.pupil.headers)).status_code == 401
    login = await client.post(
        "/api/auth/tokens", json={"username": school.pupil.username, "password": PASSWORD}
    )
    assert login.status_code == 401


async def test_the_tombstone_keeps_no_sign_in_roster_or_notification_details(
    client: httpx.AsyncClient, services: Services, school: School
) -> None:
    async with services.db.write() as tx:
        await tx.conn.execute(
            insert(roster_ids).values(kind="user", sourced_id="sis-emma", local_id=school.pupil.id)
        )
        await tx.conn.execute(
            update(users).where(users.c.id == school.pupil.id).values(email="emma@school.example")
        )
        await tx.conn.execute(
            insert(push_subscriptions).values(
                user_id=school.pupil.id,
                endpoint="https://push.example/emma",
                p256dh="key",
                auth="auth",
                created_at=utcnow(),
            )
        )
    await erased(client, services, school.admin, school.pupil)
    async with services.db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.id == school.pupil.id))).one()
        sourced = (
            await conn.execute(
                select(func.count()).select_from(roster_ids).where(roster_ids.c.local_id == school.pupil.id)
            )
        ).scalar_one()
        subscriptions = (
            await conn.execute(
                select(func.count())
                .select_from(push_subscriptions)
                .where(push_subscriptions.c.user_id == school.pupil.id)
            )
        ).scalar_one()
    assert (row.name, row.username, row.password_hash, row.title, row.email, row.is_active) == (
        "Former user",
        f"erased-{school.pupil.id}",
        "",
        "",
        None,
        False,
    )
    assert row.erased_at is not None and sourced == 0 and subscriptions == 0


async def test_a_large_erasure_runs_in_batches_and_reports_its_progress(
    client: httpx.AsyncClient, services: Services, school: School
) -> None:
    for n in range(5):
        await sent(client, school.pupil, school.course_chat, f"{SECRET_TEXT} {n}")
    answer = await erase(client, school.admin, school.pupil)
    assert answer.status_code == 202 and answer.json()["status"] == "running"
    assert (answer.json()["messages_total"], answer.json()["messages_erased"]) == (5, 0)
    assert await actions.continue_erasures(services, batch_size=2) == 5
    status = await client.get(f"/api/admin/users/{school.pupil.id}/erasure", headers=school.admin.headers)
    assert status.status_code == 200, status.text
    assert (status.json()["status"], status.json()["messages_erased"]) == ("finished", 5)
    assert await actions.continue_erasures(services) == 0  # safe to run again


async def test_two_processes_running_the_erasure_job_at_once_erase_each_message_once_and_finish_it_once(
    client: httpx.AsyncClient, services: Services, second_services: Services, school: School
) -> None:
    for n in range(6):
        await sent(client, school.pupil, school.course_chat, f"{SECRET_TEXT} {n}")
    assert (await erase(client, school.admin, school.pupil)).status_code == 202
    rounds = await asyncio.gather(
        actions.continue_erasures(services, batch_size=2),
        actions.continue_erasures(second_services, batch_size=2),
    )
    assert sum(rounds) == 6
    status = (
        await client.get(f"/api/admin/users/{school.pupil.id}/erasure", headers=school.admin.headers)
    ).json()
    assert (status["status"], status["messages_erased"]) == ("finished", 6)
    assert await audited(services, "user.erasure_finished") == 1


async def test_report_evidence_is_kept_for_its_reviewers_only_under_legal_hold(
    client: httpx.AsyncClient, services: Services, school: School
) -> None:
    message = await sent(client, school.pupil, school.course_chat, SECRET_TEXT)
    report_id = await report(client, school.classmate, message["id"])
    answer = await erased(client, services, school.admin, school.pupil)
    (kept,) = answer["kept"]  # type: ignore[misc]
    assert kept["report_id"] == report_id and kept["held_until"] is None and "legal hold" in kept["reason"]
    seen = await client.get(f"/api/reports/{report_id}", headers=school.teacher.headers)
    assert seen.status_code == 200 and SECRET_TEXT in seen.text
    for outsider in (school.classmate, school.admin):
        assert (await client.get(f"/api/reports/{report_id}", headers=outsider.headers)).status_code == 404
    assert "zebra" not in json.dumps(await history(client, school.classmate, school.course_chat))


async def test_the_hold_ends_once_the_report_is_closed_and_its_hold_period_has_passed(
    client: httpx.AsyncClient, services: Services, school: School
) -> None:
    file = await uploaded(client, school.pupil, "zebra.pdf", samples.PDF)
    message = await sent_files(client, school.pupil, school.course_chat, [file["id"]], SECRET_TEXT)
    report_id = await report(client, school.classmate, message["id"])
    await erased(client, services, school.admin, school.pupil)
    later = utcnow() + timedelta(days=services.settings.legal_hold_days + 1)
    assert await actions.release_holds(services, now=later) == 0  # open: held however long
    closed = await client.post(
        f"/api/reports/{report_id}/review",
        json={"status": "reviewed", "note": "done"},
        headers=school.teacher.headers,
    )
    assert closed.status_code == 200, closed.text
    assert await actions.release_holds(services) == 0  # closed, but its period has not passed
    status = await client.get(f"/api/admin/users/{school.pupil.id}/erasure", headers=school.admin.headers)
    assert status.json()["kept"][0]["held_until"] is not None
    assert await actions.release_holds(services, now=later) == 1
    seen = await client.get(f"/api/reports/{report_id}", headers=school.teacher.headers)
    assert "zebra" not in seen.text and "Emma Hansen" not in seen.text
    evidence_file = await client.get(
        f"/api/reports/{report_id}/attachments/{file['id']}", headers=school.teacher.headers
    )
    assert evidence_file.status_code == 404
    async with services.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(attachments))).scalar_one() == 0
    status = await client.get(f"/api/admin/users/{school.pupil.id}/erasure", headers=school.admin.headers)
    assert status.json()["kept"][0]["released_at"] is not None


async def test_two_processes_releasing_holds_at_once_release_each_hold_once(
    client: httpx.AsyncClient, services: Services, second_services: Services, school: School
) -> None:
    message = await sent(client, school.pupil, school.course_chat, SECRET_TEXT)
    report_id = await report(client, school.classmate, message["id"])
    await erased(client, services, school.admin, school.pupil)
    closed = await client.post(
        f"/api/reports/{report_id}/review",
        json={"status": "reviewed", "note": "done"},
        headers=school.teacher.headers,
    )
    assert closed.status_code == 200, closed.text
    later = utcnow() + timedelta(days=services.settings.legal_hold_days + 1)
    rounds = await asyncio.gather(
        actions.release_holds(services, now=later), actions.release_holds(second_services, now=later)
    )
    assert sorted(rounds) == [0, 1]
    assert await audited(services, "legal_hold.released") == 1


async def test_an_erasure_is_in_the_audit_log_and_removes_no_audit_entries(
    client: httpx.AsyncClient, services: Services, school: School
) -> None:
    switched = await client.patch(
        f"/api/admin/users/{school.pupil.id}", json={"messaging_disabled": True}, headers=school.admin.headers
    )
    assert switched.status_code == 204
    async with services.db.read() as conn:
        before = (await conn.execute(select(audit_log.c.id, audit_log.c.action))).all()
    await erase(client, school.admin, school.pupil, reason="parent's request")
    await actions.continue_erasures(services)
    async with services.db.read() as conn:
        after = (await conn.execute(select(audit_log.c.id, audit_log.c.action))).all()
    assert set(before) <= set(after)
    entries = (
        await client.get(
            "/api/admin/audit",
            params={"object_type": "user", "object_id": school.pupil.id},
            headers=school.admin.headers,
        )
    ).json()["entries"]
    actions_logged = [entry["action"] for entry in entries]
    assert (
        actions_logged[:2] == ["user.erasure_finished", "user.erased"]
        and "user.messaging_disabled" in actions_logged
    )
    assert entries[1]["reason"] == "parent's request" and entries[1]["actor_id"] == school.admin.id


async def test_only_an_admin_of_every_school_of_the_person_may_erase(
    client: httpx.AsyncClient, make: Factory, school: School
) -> None:
    other_admin = await make.person("Olav Other", "admin", school=make.other_school)
    for stranger in (school.teacher, other_admin):
        answer = await erase(client, stranger, school.pupil)
        assert answer.status_code == 404 and error_of(answer)["code"] == "not_found"
    district_admin = await make.person("Dina District", "admin", school=make.district)
    assert (await erase(client, district_admin, school.pupil)).status_code == 202


async def test_nobody_erases_themself_or_anyone_twice(client: httpx.AsyncClient, school: School) -> None:
    answer = await erase(client, school.admin, school.admin)
    assert answer.status_code == 409 and error_of(answer)["code"] == "cannot_erase_self"
    assert (await erase(client, school.admin, school.pupil)).status_code == 202
    again = await erase(client, school.admin, school.pupil)
    assert again.status_code == 409 and error_of(again)["code"] == "already_erased"
