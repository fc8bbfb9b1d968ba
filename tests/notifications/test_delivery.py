"""Exactly once across processes and restarts, and failures of the mail server: two workers racing on one
database, a worker killed between accepting and recording, an SMTP server that refuses or is down."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from schoolchat.db.types import utcnow
from schoolchat.notifications import sends
from schoolchat.notifications.models import notification_items, notification_jobs, notification_sends
from schoolchat.notifications.worker import LANES, NotificationWorker
from schoolchat.services import Services
from tests.calls import started
from tests.factories import Factory, Person
from tests.notifications.conftest import Mailbox, address, give_email


async def _hello_to_a_student_with_email(client: httpx.AsyncClient, make: Factory) -> Person:
    """A teacher writes "Hello" to a student who has an email address: one notification to deliver."""
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    await give_email(make, student)
    await started(client, teacher, people=[student.id], body="Hello")
    return student


async def _course_of(client: httpx.AsyncClient, make: Factory, students: int) -> tuple[Person, list[Person]]:
    teacher = await make.person("Maria Jensen", "teacher")
    pupils = await make.people(students)
    await give_email(make, *pupils)
    course = await make.space("Math 7B", teachers=[teacher], students=pupils)
    opened = await started(client, teacher, courses=[course.id], mode="group", body="Test on Monday.")
    assert opened["conversation"]["kind"] == "course"
    return teacher, pupils


async def _send_states(services: Services) -> list[tuple[str, int]]:
    async with services.db.read() as conn:
        return [
            (row.status, row.attempts)
            for row in await conn.execute(
                select(notification_sends.c.status, notification_sends.c.attempts).order_by(
                    notification_sends.c.id
                )
            )
        ]


async def test_two_workers_racing_on_one_database_send_each_email_once(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    second_services: Services,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    _, pupils = await _course_of(client, make, 12)
    first, second = (
        NotificationWorker(services, batch_size=5),
        NotificationWorker(second_services, batch_size=5),
    )
    now = utcnow() + timedelta(minutes=11)
    await asyncio.gather(first.tick(now), second.tick(now), first.tick(now), second.tick(now))
    assert sorted(str(mail["To"]) for mail in mailbox.mails) == sorted(address(p) for p in pupils)


async def test_a_worker_killed_between_sends_leaves_no_duplicate_and_no_one_missed(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    second_services: Services,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    """The worker dies the moment the server has accepted its fourth email, before it could record it."""
    _, pupils = await _course_of(client, make, 10)
    doomed = NotificationWorker(services)
    now = utcnow() + timedelta(minutes=11)
    loop = asyncio.get_running_loop()
    task = loop.create_task(doomed.tick(now))

    def kill_at_fourth(count: int) -> None:  # in the SMTP server's thread, before it answers 250
        if count == 4:
            loop.call_soon_threadsafe(task.cancel)
            time.sleep(0.2)  # the worker dies while it waits for the answer

    mailbox.on_accept = kill_at_fourth
    try:
        await task
    except asyncio.CancelledError:
        pass
    mailbox.on_accept = None
    assert 4 <= len(mailbox.mails) < 4 + LANES  # other lanes in flight may have theirs accepted as it dies
    assert "running" in [status for status, _ in await _send_states(services)]
    survivor = NotificationWorker(second_services)
    await survivor.tick(now + timedelta(seconds=30))  # the dead worker's lease still holds what it had begun
    assert len({str(mail["Message-ID"]) for mail in mailbox.mails}) == len(mailbox.mails)  # nothing twice yet
    await survivor.tick(now + timedelta(minutes=2))  # the lease ran out: what was interrupted goes out again
    by_recipient = mailbox.message_ids_by_recipient()
    assert sorted(by_recipient) == sorted(address(p) for p in pupils)  # no one missed
    assert all(len(ids) == 1 for ids in by_recipient.values())  # a repeat is the same email (one Message-ID)
    # Repeated at most: the emails accepted but not yet recorded when it died, one per lane in flight.
    assert len(mailbox.mails) - len(pupils) <= LANES
    repeated = len(mailbox.mails)
    await survivor.tick(now + timedelta(hours=1))
    assert len(mailbox.mails) == repeated


async def test_an_smtp_server_that_refuses_is_retried_with_back_off_and_the_email_sent_once(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    student = await _hello_to_a_student_with_email(client, make)
    now = utcnow() + timedelta(minutes=11)
    mailbox.answer = "451 4.3.0 Try again later"
    await worker.tick(now)
    assert await _send_states(services) == [("pending", 1)]
    mailbox.answer = "550 5.7.1 Refused"
    await worker.tick(now + timedelta(seconds=30))  # within the back-off: not tried
    assert await _send_states(services) == [("pending", 1)]
    await worker.tick(now + timedelta(minutes=1))
    assert await _send_states(services) == [("pending", 2)]
    mailbox.answer = "250 OK"
    await worker.tick(now + timedelta(minutes=2))  # back-off after two failures: 2 minutes
    assert mailbox.mails == []
    await worker.tick(now + timedelta(minutes=3))
    await worker.tick(now + timedelta(minutes=30))
    assert len(mailbox.to(student)) == 1
    assert await _send_states(services) == [("sent", 3)]


async def test_an_smtp_server_that_is_down_is_retried_until_it_is_back(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_port: int,
) -> None:
    student = await _hello_to_a_student_with_email(client, make)
    now = utcnow() + timedelta(minutes=11)
    await worker.tick(now)  # nothing listens on the port
    assert await _send_states(services) == [("pending", 1)]
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        await worker.tick(now + timedelta(minutes=1))
        await worker.tick(now + timedelta(minutes=5))
    finally:
        controller.stop()
    assert len(mailbox.to(student)) == 1
    assert await _send_states(services) == [("sent", 2)]


async def test_an_email_that_keeps_failing_is_given_up_after_the_last_attempt(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    await _hello_to_a_student_with_email(client, make)
    mailbox.answer = "550 5.1.1 No such user"
    at = utcnow() + timedelta(minutes=11)
    for _ in range(services.settings.notify_max_attempts + 2):
        await worker.tick(at)
        at += timedelta(hours=1)
    [(status, attempts)] = await _send_states(services)
    assert (status, attempts) == ("failed", services.settings.notify_max_attempts)


async def test_a_send_into_a_course_writes_one_job_not_a_row_per_member(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    await _course_of(client, make, 30)
    async with services.db.read() as conn:
        jobs = (await conn.execute(select(func.count()).select_from(notification_jobs))).scalar_one()
        items = (await conn.execute(select(func.count()).select_from(notification_items))).scalar_one()
    assert (jobs, items) == (1, 0)


async def test_finished_notifications_are_forgotten_after_the_retention(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    await _course_of(client, make, 3)
    await worker.tick(utcnow() + timedelta(minutes=11))
    assert len(mailbox.mails) == 3
    assert await sends.prune(services, timedelta(days=7)) == 0  # finished just now: kept
    assert await sends.prune(services, timedelta(seconds=-3600)) == 3
    async with services.db.read() as conn:
        left = [
            (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            for table in (notification_sends, notification_items, notification_jobs)
        ]
    assert left == [0, 0, 0]


async def test_with_no_channel_configured_jobs_are_done_and_nobody_is_queued(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    await _course_of(client, make, 5)
    unconfigured = services.settings.model_copy(update={"smtp_host": None, "vapid_private_key": None})
    await NotificationWorker(Services(unconfigured, services.db, services.bus)).tick(
        utcnow() + timedelta(minutes=11)
    )
    async with services.db.read() as conn:
        jobs = (await conn.execute(select(notification_jobs.c.status))).scalars().all()
        items = (await conn.execute(select(func.count()).select_from(notification_items))).scalar_one()
    assert (jobs, items) == (["done"], 0)
