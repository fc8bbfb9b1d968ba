"""Email notifications against a real SMTP server: each preference, digest grouping, what an email may say, and
who never gets one (muted, messaging disabled, their own messages, read before it went out, deleted messages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from aiosmtpd.controller import Controller

from schoolchat.db.types import utcnow
from schoolchat.notifications.worker import NotificationWorker
from schoolchat.privacy import actions as privacy_actions
from tests.calls import badge, conversation_list, sent, started
from tests.factories import Factory, Person
from tests.notifications.conftest import PUBLIC_URL, Mailbox, address, body_of, give_email, school_clock


async def _pair(client: httpx.AsyncClient, make: Factory) -> tuple[Person, Person, int]:
    teacher = await make.person("Maria Jensen", "teacher")
    student = await make.person("Sia Student")
    await give_email(make, teacher, student)
    conversation = await started(client, teacher, people=[student.id], body="Homework is due on Friday.")
    return teacher, student, conversation["conversation"]["id"]


async def _prefer(client: httpx.AsyncClient, who: Person, mode: str | None) -> None:
    answer = await client.put("/api/me/notifications", json={"email": mode}, headers=who.headers)
    assert answer.status_code == 200, answer.text


async def test_soon_sends_one_email_after_the_message_stayed_unread_for_a_while(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    teacher, student, conversation_id = await _pair(client, make)
    now = utcnow()
    await worker.tick(now + timedelta(minutes=5))
    assert mailbox.mails == []
    await worker.tick(now + timedelta(minutes=11))
    await worker.tick(now + timedelta(minutes=30))
    [mail] = mailbox.to(student)
    text = body_of(mail)
    assert mail["Subject"] == "1 unread message in schoolchat"
    assert "Maria Jensen wrote in “Maria Jensen”: 1 unread" in text
    assert f"{PUBLIC_URL}/?conversation={conversation_id}" in text
    assert "Homework" not in text and "Homework" not in str(mail["Subject"])
    assert mailbox.to(teacher) == []


async def test_off_sends_no_email(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    await give_email(make, student)
    await _prefer(client, student, "off")
    await started(client, teacher, people=[student.id], body="Hello")
    await worker.tick(utcnow() + timedelta(days=2))
    assert mailbox.mails == []


async def test_hourly_digest_groups_an_hours_messages_from_several_conversations_into_one_email(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    teacher, other = await make.person("Maria Jensen", "teacher"), await make.person("Ole Olsen", "teacher")
    student = await make.person("Sia Student")
    await give_email(make, student)
    await _prefer(client, student, "hourly")
    first = await started(client, teacher, people=[student.id], body="One")
    await sent(client, teacher, first["conversation"]["id"], "Two")
    await started(client, other, people=[student.id], body="Three")
    now = utcnow()
    top_of_the_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    await worker.tick(top_of_the_hour - timedelta(seconds=1))
    assert mailbox.mails == []
    await worker.tick(top_of_the_hour)
    [mail] = mailbox.to(student)
    assert mail["Subject"] == "3 unread messages in 2 conversations in schoolchat"
    text = body_of(mail)
    assert "Maria Jensen wrote in “Maria Jensen”: 2 unread" in text
    assert "Ole Olsen wrote in “Ole Olsen”: 1 unread" in text


async def test_daily_digest_arrives_at_the_digest_hour_in_the_schools_time_zone(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    admin = await make.person("Ada Admin", "admin")
    clock = await school_clock(client, admin, make.school, "Asia/Tokyo")
    settings = await client.put(
        f"/api/admin/orgs/{make.school}/notifications", json={"email_default": "daily"}, headers=admin.headers
    )
    assert settings.status_code == 200, settings.text
    teacher, student, _ = await _pair(client, make)
    now = utcnow()
    tokyo = now.astimezone(clock)
    digest = datetime.combine(tokyo.date(), datetime.min.time().replace(hour=16), tokyo.tzinfo)
    if digest <= tokyo:
        digest += timedelta(days=1)
    digest_utc = digest.astimezone(UTC)
    await worker.tick(digest_utc - timedelta(minutes=1))
    assert mailbox.mails == []
    await worker.tick(digest_utc)
    assert len(mailbox.to(student)) == 1


async def test_school_may_switch_message_text_on(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    admin = await make.person("Ada Admin", "admin")
    await client.put(
        f"/api/admin/orgs/{make.school}/notifications", json={"include_text": True}, headers=admin.headers
    )
    _, student, _ = await _pair(client, make)
    await worker.tick(utcnow() + timedelta(minutes=11))
    [mail] = mailbox.to(student)
    assert "> Homework is due on Friday." in body_of(mail)


async def test_a_muted_conversation_neither_notifies_nor_counts_in_the_badge(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    await give_email(make, student)
    conversation = (await started(client, teacher, people=[student.id]))["conversation"]["id"]
    muted = await client.put(f"/api/conversations/{conversation}/mute", headers=student.headers)
    assert muted.status_code == 204
    await sent(client, teacher, conversation, "Hello")
    await worker.tick(utcnow() + timedelta(hours=1))
    assert mailbox.mails == []
    assert await badge(client, student) == 0
    [entry] = await conversation_list(client, student)
    assert (entry["unread"], entry["muted"]) == (1, True)
    assert (
        await client.delete(f"/api/conversations/{conversation}/mute", headers=student.headers)
    ).status_code == 204
    assert await badge(client, student) == 1


async def test_no_email_to_someone_whose_messaging_is_disabled(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    teacher, student, _ = await _pair(client, make)
    await make.disable_messaging(student.id)
    await worker.tick(utcnow() + timedelta(hours=1))
    assert mailbox.mails == []


async def test_no_email_about_ones_own_messages(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    teacher, student, conversation_id = await _pair(client, make)
    await client.post(f"/api/conversations/{conversation_id}/read", headers=student.headers)
    await sent(client, student, conversation_id, "Thanks!")
    await sent(client, student, conversation_id, "See you.")
    await worker.tick(utcnow() + timedelta(hours=1))
    assert mailbox.to(student) == []
    assert len(mailbox.to(teacher)) == 1


async def test_reading_the_conversation_before_the_email_goes_out_cancels_it(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    _, student, conversation_id = await _pair(client, make)
    now = utcnow()
    await worker.tick(now)  # the job is expanded: the email is due in ten minutes
    read = await client.post(f"/api/conversations/{conversation_id}/read", headers=student.headers)
    assert read.status_code == 200
    await worker.tick(now + timedelta(minutes=11))
    assert mailbox.mails == []


async def test_a_message_deleted_before_the_email_goes_out_neither_counts_nor_shows(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    admin = await make.person("Ada Admin", "admin")
    await client.put(
        f"/api/admin/orgs/{make.school}/notifications", json={"include_text": True}, headers=admin.headers
    )
    teacher, student, conversation_id = await _pair(client, make)
    regret = await sent(client, teacher, conversation_id, "Something I regret writing")
    await worker.tick(utcnow())
    assert (await client.delete(f"/api/messages/{regret['id']}", headers=teacher.headers)).status_code == 200
    await worker.tick(utcnow() + timedelta(minutes=11))
    [mail] = mailbox.to(student)
    text = body_of(mail)
    assert "1 unread" in text and "regret" not in text
    assert "> Homework is due on Friday." in text


async def test_an_erased_persons_messages_are_in_no_email_sent_after_the_erasure(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    admin = await make.person("Ada Admin", "admin")
    await client.put(
        f"/api/admin/orgs/{make.school}/notifications", json={"include_text": True}, headers=admin.headers
    )
    teacher, student, conversation_id = await _pair(client, make)
    await sent(client, teacher, conversation_id, "My zebra diary is under the bed")
    await worker.tick(utcnow())
    erased = await client.post(
        f"/api/admin/users/{teacher.id}/erasure", json={"confirm": True}, headers=admin.headers
    )
    assert erased.status_code == 202, erased.text
    await privacy_actions.continue_erasures(make.services)
    await worker.tick(utcnow() + timedelta(minutes=11))
    assert all("zebra" not in body_of(mail) and "Homework" not in body_of(mail) for mail in mailbox.mails)


async def test_emails_carry_one_click_unsubscribe_headers_that_work_without_login(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    teacher, student, conversation_id = await _pair(client, make)
    await worker.tick(utcnow() + timedelta(minutes=11))
    [mail] = mailbox.to(student)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(mail["List-Unsubscribe"]).strip("<>")
    assert link.startswith(f"{PUBLIC_URL}/unsubscribe?token=")
    path = link.removeprefix(PUBLIC_URL)
    forged = await client.post(
        path[:-3] + "AAA",
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert forged.status_code == 400
    assert forged.json()["error"]["code"] == "invalid_token"
    done = await client.post(
        path,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200
    preferences = await client.get("/api/me/notifications", headers=student.headers)
    assert preferences.json()["email"] == "off"
    await sent(client, teacher, conversation_id, "Another one")
    await worker.tick(utcnow() + timedelta(hours=2))
    assert len(mailbox.to(student)) == 1
    assert address(student) == mail["To"]


async def test_an_email_is_written_in_the_recipients_language(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    admin = await make.person("Ada Admin", "admin")
    changed = await client.patch(
        f"/api/admin/orgs/{make.school}", json={"default_language": "nb"}, headers=admin.headers
    )
    assert changed.status_code == 204
    teacher, student, _ = await _pair(client, make)
    answer = await client.put("/api/me/language", json={"language": "nn"}, headers=student.headers)
    assert answer.status_code == 200
    now = utcnow()
    await worker.tick(now + timedelta(minutes=11))
    await worker.tick(now + timedelta(minutes=30))
    [mail] = mailbox.to(student)
    assert mail["Subject"] == "1 ulesen melding i schoolchat"
    text = body_of(mail)
    assert "Hei Sia Student," in text and "Maria Jensen skreiv i «Maria Jensen»: 1 ulesen" in text
    assert "Du får denne e-posten fordi du har ulesne meldingar i schoolchat." in text
