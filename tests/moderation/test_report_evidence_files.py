"""A report freezes the files of the messages in its evidence: they stay for its reviewers when the message is
deleted (by its author or a moderator), and nobody else reaches them through the report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from schoolchat.attachments.actions import delete_unsent
from schoolchat.attachments.models import attachments
from schoolchat.db.types import utcnow
from schoolchat.services import Services
from tests.attachments.calls import sent_files, uploaded
from tests.attachments.samples import PDF
from tests.calls import started
from tests.factories import Factory, Person


async def _reported_file(
    client: httpx.AsyncClient, make: Factory
) -> tuple[Person, Person, Person, dict[str, Any], int]:
    """A 1:1 where the bully sent a PDF, reported by the victim to the school's admin."""
    admin, bully, victim = await make.person(role="admin"), await make.person(), await make.person()
    conversation = (await started(client, victim, people=[bully.id], body="hi"))["conversation"]["id"]
    file = await uploaded(client, bully, "threat.pdf", PDF)
    bad = await sent_files(client, bully, conversation, [file["id"]], "look at this")
    answer = await client.post(
        f"/api/messages/{bad['id']}/report", json={"reason": "threat"}, headers=victim.headers
    )
    assert answer.status_code == 201, answer.text
    return admin, bully, victim, bad, answer.json()["report_id"]


def _evidence_url(report_id: int, attachment_id: int) -> str:
    return f"/api/reports/{report_id}/attachments/{attachment_id}"


async def test_report_evidence_lists_the_files_of_the_frozen_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, _, _, bad, report_id = await _reported_file(client, make)
    report = (await client.get(f"/api/reports/{report_id}", headers=admin.headers)).json()
    reported = next(m for m in report["evidence"]["messages"] if m["id"] == bad["id"])
    assert [(f["id"], f["name"]) for f in reported["attachments"]] == [
        (bad["attachments"][0]["id"], "threat.pdf")
    ]


async def test_a_reported_file_stays_for_the_reviewers_after_a_moderator_deletes_its_message(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim, bad, report_id = await _reported_file(client, make)
    file_id = bad["attachments"][0]["id"]
    assert (await client.post(f"/api/reports/{report_id}/open", headers=admin.headers)).status_code == 200
    removed = await client.post(
        f"/api/messages/{bad['id']}/moderate", json={"confirm": True}, headers=admin.headers
    )
    assert removed.status_code == 200, removed.text
    assert (await client.get(f"/api/attachments/{file_id}", headers=victim.headers)).status_code == 404
    download = await client.get(_evidence_url(report_id, file_id), headers=admin.headers)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_a_reported_file_stays_after_its_author_deletes_the_message(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, _, bad, report_id = await _reported_file(client, make)
    assert (await client.delete(f"/api/messages/{bad['id']}", headers=bully.headers)).status_code == 200
    download = await client.get(_evidence_url(report_id, bad["attachments"][0]["id"]), headers=admin.headers)
    assert download.status_code == 200 and download.content == PDF


async def test_only_the_reviewers_reach_a_file_through_its_report(
    client: httpx.AsyncClient, make: Factory
) -> None:
    _, bully, victim, bad, report_id = await _reported_file(client, make)
    file_id = bad["attachments"][0]["id"]
    for caller in (bully, victim, await make.person(role="teacher")):
        answer = await client.get(_evidence_url(report_id, file_id), headers=caller.headers)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


async def test_a_file_not_in_the_evidence_is_not_reached_through_the_report(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, _, victim, _, report_id = await _reported_file(client, make)
    elsewhere = await started(client, victim, people=[admin.id], body="unrelated")
    other = await uploaded(client, victim, "notes.pdf", PDF)
    await sent_files(client, victim, elsewhere["conversation"]["id"], [other["id"]])
    assert (await client.get(_evidence_url(report_id, other["id"]), headers=admin.headers)).status_code == 404


async def test_the_author_cannot_take_back_a_reported_file_to_send_again(
    client: httpx.AsyncClient, make: Factory
) -> None:
    _, bully, victim, bad, _ = await _reported_file(client, make)
    await client.delete(f"/api/messages/{bad['id']}", headers=bully.headers)
    conversation = bad["conversation_id"]
    again = await client.post(
        f"/api/conversations/{conversation}/messages",
        json={"body": "", "attachment_ids": [bad["attachments"][0]["id"]]},
        headers=bully.headers,
    )
    assert again.status_code == 404
    assert (
        await client.get(f"/api/attachments/{bad['attachments'][0]['id']}", headers=bully.headers)
    ).status_code == 404


async def test_evidence_files_outlive_the_sweep_of_unsent_uploads(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    admin, bully, _, bad, report_id = await _reported_file(client, make)
    await client.delete(f"/api/messages/{bad['id']}", headers=bully.headers)
    async with services.db.write() as tx:
        await tx.conn.execute(update(attachments).values(created_at=utcnow() - timedelta(days=30)))
    assert (await delete_unsent(services)).deleted == 0
    download = await client.get(_evidence_url(report_id, bad["attachments"][0]["id"]), headers=admin.headers)
    assert download.status_code == 200 and download.content == PDF
