"""A self-harm concern goes to the school's safeguarding lead at once (issue 16): an email due now, through the
notification worker, with no digest to wait for and no quiet hours; other categories alert nobody."""

from __future__ import annotations

from datetime import timedelta

import httpx
from aiosmtpd.controller import Controller

from schoolchat.db.types import utcnow
from schoolchat.notifications import texts
from schoolchat.notifications.worker import NotificationWorker
from tests.calls import started
from tests.factories import Factory, Person
from tests.notifications.conftest import Mailbox, body_of, give_email
from tests.safeguarding.calls import designate, report


async def _school_with_lead(client: httpx.AsyncClient, make: Factory) -> tuple[Person, Person, Person]:
    """A lead whose email setting is the daily digest, during the school's quiet hours (all day)."""
    admin, lead = await make.person("Ada Admin", "admin"), await make.person("Lena Lead", "teacher")
    await designate(client, admin, make.school, lead)
    quiet = await client.put(
        f"/api/admin/orgs/{make.school}/notifications",
        headers=admin.headers,
        json={"quiet_start": "00:00", "quiet_end": "23:59", "email_default": "daily"},
    )
    assert quiet.status_code == 200, quiet.text
    await give_email(make, lead)
    return admin, lead, await make.person("Emma")


async def test_a_self_harm_concern_emails_the_lead_at_once_outside_digests_and_quiet_hours(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    _, lead, pupil = await _school_with_lead(client, make)
    friend = await make.person("Noah")
    message = (await started(client, friend, people=[pupil.id], body="I don't want to be here any more"))[
        "message"
    ]
    await report(client, pupil, message["id"], "self_harm")
    await worker.tick(utcnow() + timedelta(seconds=1))
    [mail] = mailbox.to(lead)
    assert mail["Subject"] == texts.alert_subject()
    assert "#reports" in body_of(mail) and "any more" not in body_of(mail)


async def test_other_categories_alert_no_one_at_once(
    client: httpx.AsyncClient,
    make: Factory,
    worker: NotificationWorker,
    mailbox: Mailbox,
    smtp_server: Controller,
) -> None:
    _, lead, pupil = await _school_with_lead(client, make)
    message = (await started(client, await make.person("Noah"), people=[pupil.id], body="loser"))["message"]
    await report(client, pupil, message["id"], "bullying")
    await worker.tick(utcnow() + timedelta(seconds=1))
    assert mailbox.to(lead) == []
