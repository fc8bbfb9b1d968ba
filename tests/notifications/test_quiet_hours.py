"""Quiet hours against the real SMTP server: a student's email waits until they end, a teacher's does not, and an
admin's urgent mass message ignores them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from aiosmtpd.controller import Controller
from fastapi import FastAPI

from schoolchat.db.types import utcnow
from schoolchat.notifications.worker import NotificationWorker
from tests.calls import started
from tests.factories import Factory, Person
from tests.notifications.conftest import Mailbox, give_email, school_clock


async def _quiet_now(client: httpx.AsyncClient, make: Factory) -> tuple[Person, datetime]:
    """The school's clock in Tokyo, quiet hours from an hour ago until three hours from now on it; returns an admin
    and when they end (UTC)."""
    admin = await make.person("Ada Admin", "admin")
    tokyo = await school_clock(client, admin, make.school, "Asia/Tokyo")
    now = utcnow().astimezone(tokyo)
    start, end = now - timedelta(hours=1), now + timedelta(hours=3)
    answer = await client.put(
        f"/api/admin/orgs/{make.school}/notifications",
        headers=admin.headers,
        json={"quiet_start": start.strftime("%H:%M"), "quiet_end": end.strftime("%H:%M")},
    )
    assert answer.status_code == 200, answer.text
    return admin, end.replace(second=0, microsecond=0).astimezone(UTC)


async def test_quiet_hours_hold_a_students_email_until_they_end_and_not_a_teachers(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    _, ends = await _quiet_now(client, make)
    writer = await make.person("Maria Jensen", "teacher")
    student, colleague = await make.person("Sia Student"), await make.person("Ted Teacher", "teacher")
    await give_email(make, student, colleague)
    await started(client, writer, people=[student.id, colleague.id], mode="group", body="Tomorrow's plan")
    await worker.tick(utcnow() + timedelta(minutes=11))
    assert (len(mailbox.to(student)), len(mailbox.to(colleague))) == (0, 1)
    await worker.tick(ends - timedelta(minutes=1))
    assert mailbox.to(student) == []
    await worker.tick(ends)
    assert len(mailbox.to(student)) == 1


async def test_an_urgent_mass_message_ignores_quiet_hours(
    client: httpx.AsyncClient,
    app: FastAPI,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    admin, _ = await _quiet_now(client, make)
    district_admin = await make.person("Dina District", "admin", school=make.district)
    granted = await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": True}, headers=district_admin.headers
    )
    assert granted.status_code == 204
    student = await make.person("Sia Student")
    await give_email(make, student)
    for urgent in (False, True):
        answer = await client.post(
            "/api/mass-messages",
            headers=admin.headers,
            json={
                "org_ids": [make.school],
                "roles": ["student"],
                "body": "School is closed today.",
                "urgent": urgent,
            },
        )
        assert answer.status_code == 202, answer.text
        assert answer.json()["urgent"] is urgent
    await app.state.mass_messages.drain()
    await worker.tick(utcnow() + timedelta(minutes=11))
    [mail] = mailbox.to(student)  # the urgent one; the other waits for the morning
    assert "1 unread" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_quiet_hours_a_district_sets_are_read_on_each_schools_own_clock(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    district_admin = await make.person("Dina District", "admin", school=make.district)
    tokyo = await school_clock(client, district_admin, make.school, "Asia/Tokyo")
    await school_clock(client, district_admin, make.other_school, "Europe/Oslo")  # 7 or 8 hours behind
    now = utcnow().astimezone(tokyo)
    start, end = now - timedelta(hours=1), now + timedelta(hours=3)
    answer = await client.put(
        f"/api/admin/orgs/{make.district}/notifications",
        headers=district_admin.headers,
        json={"quiet_start": start.strftime("%H:%M"), "quiet_end": end.strftime("%H:%M")},
    )
    assert answer.status_code == 200, answer.text
    in_tokyo, in_oslo = (
        await make.person("Sia Student"),
        await make.person("Ola Student", school=make.other_school),
    )
    await give_email(make, in_tokyo, in_oslo)
    for school, student in ((make.school, in_tokyo), (make.other_school, in_oslo)):
        teacher = await make.person(role="teacher", school=school)
        await started(client, teacher, people=[student.id], body="Tomorrow's plan")
    await worker.tick(utcnow() + timedelta(minutes=11))
    assert (len(mailbox.to(in_tokyo)), len(mailbox.to(in_oslo))) == (0, 1)
