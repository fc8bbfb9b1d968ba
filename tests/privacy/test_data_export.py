"""The access/portability export (GDPR Art. 15 and 20): one zip, a JSON document with a published schema and the
person's files; other people's messages only as far as the person can read them; an expiring link; audited."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from schoolchat.db.types import utcnow
from schoolchat.privacy import exports
from schoolchat.privacy.export import SCHEMA_PATH
from schoolchat.services import Services
from tests.attachments import samples
from tests.attachments.calls import sent_files, uploaded
from tests.calls import conversation_list, error_of, sent, started
from tests.factories import Factory, Person


async def exported(
    client: httpx.AsyncClient, services: Services, who: Person, person: Person | None = None
) -> dict[str, Any]:
    body = {} if person is None else {"user_id": person.id}
    answer = await client.post("/api/privacy/exports", json=body, headers=who.headers)
    assert answer.status_code == 202, answer.text
    assert (answer.json()["status"], answer.json()["progress"]) == ("queued", 0)
    assert await exports.build_all(services) == 1
    return dict(answer.json())


async def downloaded(client: httpx.AsyncClient, who: Person, export_id: int) -> zipfile.ZipFile:
    answer = await client.get(f"/api/privacy/exports/{export_id}/download", headers=who.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(answer.content))


def document(archive: zipfile.ZipFile) -> dict[str, Any]:
    return dict(json.loads(archive.read("export.json")))


@pytest.fixture
async def pupil(make: Factory) -> Person:
    return await make.person("Emma Hansen")


async def test_an_export_is_one_zip_whose_document_follows_the_published_schema(
    client: httpx.AsyncClient, services: Services, make: Factory, pupil: Person
) -> None:
    teacher, classmate = await make.person("Maria Jensen", "teacher"), await make.person("Noah")
    course = await make.space("Biology", teachers=[teacher], students=[pupil, classmate])
    chat = (await started(client, pupil, courses=[course.id], mode="group", body="hello class"))[
        "conversation"
    ]["id"]
    file = await uploaded(client, pupil, "homework.pdf", samples.PDF)
    await sent_files(client, pupil, chat, [file["id"]], "my homework")
    bad = await sent(client, classmate, chat, "you are silly")
    assert (
        await client.post(f"/api/messages/{bad['id']}/report", json={"reason": "rude"}, headers=pupil.headers)
    ).status_code == 201
    started_export = await exported(client, services, pupil)
    status = (await client.get(f"/api/privacy/exports/{started_export['id']}", headers=pupil.headers)).json()
    assert (status["status"], status["progress"]) == ("ready", 100) and status["expires_at"]
    archive = await downloaded(client, pupil, started_export["id"])
    doc = document(archive)
    published = (await client.get("/api/privacy/export-schema.json")).json()
    assert published == json.loads(SCHEMA_PATH.read_text())
    jsonschema.validate(doc, published)
    assert doc["profile"]["name"] == "Emma Hansen" and doc["roles"][0]["role"] == "student"
    assert [c["name"] for c in doc["courses_and_projects"]] == ["Biology"]
    assert {m["body"] for m in doc["messages_sent"]} == {"hello class", "my homework"}
    assert all(m["conversation_id"] == chat and m["created_at"] for m in doc["messages_sent"])
    (with_file,) = [m for m in doc["messages_sent"] if m["files"]]
    assert archive.read(with_file["files"][0]["path"]) == samples.PDF
    assert [c["conversation_id"] for c in doc["read_cursors"]] == [chat]
    assert [(r["message_id"], r["reason"]) for r in doc["reports_made"]] == [(bad["id"], "rude")]


async def test_other_peoples_messages_are_exported_only_as_far_as_the_person_can_read_them(
    client: httpx.AsyncClient, services: Services, make: Factory, pupil: Person
) -> None:
    noah, liam = await make.person("Noah"), await make.person("Liam")
    group = (await started(client, noah, people=[pupil.id, liam.id], mode="group", body="group hello"))[
        "conversation"
    ]["id"]
    await sent(client, pupil, group, "pupil in the group")
    left = await client.post(f"/api/conversations/{group}/leave", headers=pupil.headers)
    assert left.status_code == 204, left.text
    await sent(client, noah, group, "after she left")
    await started(client, noah, people=[liam.id], body="a secret between Noah and Liam")
    direct = (await started(client, noah, people=[pupil.id], body="hi Emma"))["conversation"]["id"]
    doc = document(await downloaded(client, pupil, (await exported(client, services, pupil))["id"]))
    readable = {m["body"] for m in doc["messages_readable"]}
    assert readable == {"hi Emma"}
    assert {m["conversation_id"] for m in doc["messages_readable"]} == {direct}
    assert "pupil in the group" in {m["body"] for m in doc["messages_sent"]}  # her own, though she left


async def test_conversations_stored_without_a_name_are_exported_with_the_name_the_list_shows(
    client: httpx.AsyncClient, services: Services, make: Factory
) -> None:
    teacher = await make.person("Maria Jensen", "teacher")
    noah, liam = await make.person("Noah"), await make.person("Liam")
    batch = (await started(client, teacher, people=[noah.id, liam.id], mode="individual", body="trip"))[
        "conversation"
    ]["id"]
    doc = document(await downloaded(client, teacher, (await exported(client, services, teacher))["id"]))
    listed = {c["id"]: c["name"] for c in await conversation_list(client, teacher)}
    exported_names = {m["conversation_id"]: m["name"] for m in doc["memberships"]}
    assert exported_names[batch] == listed[batch] == "Sent to 2 people"
    assert sorted(exported_names.values()) == ["Liam", "Noah", "Sent to 2 people"]  # and each 1:1 it went to


async def test_the_persons_own_messages_are_exported_with_their_earlier_versions(
    client: httpx.AsyncClient, services: Services, make: Factory, pupil: Person
) -> None:
    noah = await make.person("Noah")
    first = await started(client, pupil, people=[noah.id], body="helo Noah")
    theirs = await sent(client, noah, first["conversation"]["id"], "hi Ema")
    for who, message_id, body in [
        (pupil, first["message"]["id"], "hello Noah"),
        (noah, theirs["id"], "hi Emma"),
    ]:
        edited = await client.patch(f"/api/messages/{message_id}", json={"body": body}, headers=who.headers)
        assert edited.status_code == 200, edited.text
    doc = document(await downloaded(client, pupil, (await exported(client, services, pupil))["id"]))
    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text()))
    (own,) = doc["messages_sent"]
    assert own["body"] == "hello Noah"
    assert [v["body"] for v in own["versions"]] == ["helo Noah"]
    assert own["versions"][0]["written_at"] and own["versions"][0]["replaced_at"]
    (other,) = doc["messages_readable"]
    assert other["body"] == "hi Emma" and "versions" not in other  # the app shows nobody else's earlier texts


async def test_the_person_or_an_admin_of_their_school_exports_and_nobody_else(
    client: httpx.AsyncClient, services: Services, make: Factory, pupil: Person
) -> None:
    teacher, other_admin = (
        await make.person("Tom", "teacher"),
        await make.person("Olav", "admin", school=make.other_school),
    )
    for stranger in (teacher, other_admin):
        answer = await client.post(
            "/api/privacy/exports", json={"user_id": pupil.id}, headers=stranger.headers
        )
        assert answer.status_code == 404 and error_of(answer)["code"] == "not_found"
    admin = await make.person("Ada", "admin")
    by_admin = await exported(client, services, admin, pupil)
    assert document(await downloaded(client, admin, by_admin["id"]))["profile"]["id"] == pupil.id
    assert (
        await client.get(f"/api/privacy/exports/{by_admin['id']}", headers=pupil.headers)
    ).status_code == 404
    assert (
        await client.get(f"/api/privacy/exports/{by_admin['id']}/download", headers=teacher.headers)
    ).status_code == 404


async def test_the_download_link_expires_and_the_zip_is_deleted(
    client: httpx.AsyncClient, services: Services, pupil: Person, tmp_path: Path
) -> None:
    started_export = await exported(client, services, pupil)
    stored = [path for path in (tmp_path / "attachments").rglob("*") if path.is_file()]
    assert len(stored) == 1
    later = utcnow() + timedelta(hours=services.settings.export_download_hours, minutes=1)
    assert await exports.delete_expired(services, now=later) == 1
    answer = await client.get(f"/api/privacy/exports/{started_export['id']}/download", headers=pupil.headers)
    assert answer.status_code == 410 and error_of(answer)["code"] == "export_expired"
    assert [path for path in (tmp_path / "attachments").rglob("*") if path.is_file()] == []


async def test_an_unfinished_export_cannot_be_downloaded_yet(
    client: httpx.AsyncClient, pupil: Person
) -> None:
    answer = await client.post("/api/privacy/exports", json={}, headers=pupil.headers)
    download = await client.get(f"/api/privacy/exports/{answer.json()['id']}/download", headers=pupil.headers)
    assert download.status_code == 409 and error_of(download)["code"] == "export_not_ready"


async def test_an_export_is_in_the_audit_log_and_in_the_next_export(
    client: httpx.AsyncClient, services: Services, make: Factory, pupil: Person
) -> None:
    admin = await make.person("Ada", "admin")
    by_admin = await exported(client, services, admin, pupil)
    entries = (
        await client.get("/api/admin/audit", params={"action": "user.exported"}, headers=admin.headers)
    ).json()["entries"]
    assert [(e["actor_id"], e["object_id"], e["details"]) for e in entries] == [
        (admin.id, pupil.id, {"export_id": by_admin["id"]})
    ]
    doc = document(await downloaded(client, pupil, (await exported(client, services, pupil))["id"]))
    assert [e["action"] for e in doc["audit_entries"]] == ["user.exported", "user.exported"]


async def test_erasing_the_person_deletes_their_exports(
    client: httpx.AsyncClient, services: Services, make: Factory, pupil: Person, tmp_path: Path
) -> None:
    admin = await make.person("Ada", "admin")
    by_admin = await exported(client, services, admin, pupil)
    erased = await client.post(
        f"/api/admin/users/{pupil.id}/erasure", json={"confirm": True}, headers=admin.headers
    )
    assert erased.status_code == 202, erased.text
    answer = await client.get(f"/api/privacy/exports/{by_admin['id']}/download", headers=admin.headers)
    assert answer.status_code == 410
    assert [path for path in (tmp_path / "attachments").rglob("*") if path.is_file()] == []


async def test_exports_have_a_rate(client: httpx.AsyncClient, services: Services, pupil: Person) -> None:
    limit = int(services.settings.rate_privacy_requests.split("/")[0])
    answers = [
        await client.post("/api/privacy/exports", json={}, headers=pupil.headers) for _ in range(limit + 1)
    ]
    assert [a.status_code for a in answers] == [202] * limit + [429]
    assert error_of(answers[-1])["details"]["limit"] == "privacy_requests"
