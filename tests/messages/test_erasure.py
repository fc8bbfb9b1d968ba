"""Deleted, moderated and edited content is gone from every copy (§4.3, §5.5; issue 11).

Each test is one copy of a message's content, checked after each way content is removed: its sender's delete, a
moderator's delete and an edit. The old text must not be served by any path, nor kept in the database.
The one intended exception, a report's frozen evidence, is in ``tests/moderation/test_moderator_delete.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text

from schoolchat.attachments.models import attachment_blobs, attachments
from schoolchat.config import Settings
from schoolchat.db import fulltext
from schoolchat.messages import erasure
from schoolchat.messages.models import messages
from schoolchat.realtime import log
from schoolchat.realtime.models import events
from schoolchat.services import Services
from tests.attachments import samples
from tests.attachments.calls import sent_files, uploaded
from tests.calls import conversation_list, history, sent, started
from tests.conftest import SECRET
from tests.factories import Factory, Person

OLD = "Meet at the zebra crossing at midnight"
NEW = "Lunch is at noon"
REMOVALS = ["deleted_by_sender", "deleted_by_moderator", "edited"]
DELETES = ["deleted_by_sender", "deleted_by_moderator"]


@dataclass
class CourseChat:
    teacher: Person
    author: Person
    reader: Person
    conversation_id: int


@pytest.fixture
async def chat(client: httpx.AsyncClient, make: Factory) -> CourseChat:
    teacher = await make.person("Maria Jensen", "teacher")
    author, reader = await make.person("Emma"), await make.person("Noah")
    course = await make.space("Biology", teachers=[teacher], students=[author, reader])
    started_chat = await started(client, author, courses=[course.id], mode="group", body="hello")
    return CourseChat(teacher, author, reader, started_chat["conversation"]["id"])


async def remove(client: httpx.AsyncClient, chat: CourseChat, message_id: int, how: str) -> None:
    if how == "deleted_by_sender":
        answer = await client.delete(f"/api/messages/{message_id}", headers=chat.author.headers)
    elif how == "deleted_by_moderator":
        answer = await client.post(
            f"/api/messages/{message_id}/moderate", json={"confirm": True}, headers=chat.teacher.headers
        )
    else:
        answer = await client.patch(
            f"/api/messages/{message_id}", json={"body": NEW}, headers=chat.author.headers
        )
    assert answer.status_code == 200, answer.text


async def stored_texts(services: Services, message_id: int) -> str:
    async with services.db.read() as conn:
        row = (
            await conn.execute(
                select(messages.c.body, messages.c.body_html).where(messages.c.id == message_id)
            )
        ).one()
    return json.dumps(list(row))


async def indexed_words(services: Services, message_id: int) -> str | None:
    """The search index's row for a message (its words), or None when it has none."""
    async with services.db.read() as conn:
        key = "rowid" if conn.dialect.name == "sqlite" else "message_id"
        found = (
            await conn.execute(
                text(f"SELECT words FROM {fulltext.TABLE} WHERE {key} = :id"), {"id": message_id}
            )
        ).scalar_one_or_none()
    return None if found is None else str(found)


@pytest.mark.parametrize("how", REMOVALS)
async def test_history_holds_no_removed_text(
    client: httpx.AsyncClient, services: Services, chat: CourseChat, how: str
) -> None:
    message = await sent(client, chat.author, chat.conversation_id, OLD)
    await remove(client, chat, message["id"], how)
    for person in (chat.author, chat.reader, chat.teacher):
        page = await history(client, person, chat.conversation_id)
        assert "zebra" not in json.dumps(page)
    assert "zebra" not in await stored_texts(services, message["id"])


@pytest.mark.parametrize("how", REMOVALS)
async def test_a_single_message_holds_no_removed_text(
    client: httpx.AsyncClient, chat: CourseChat, how: str
) -> None:
    message = await sent(client, chat.author, chat.conversation_id, OLD)
    await remove(client, chat, message["id"], how)
    answer = await client.get(f"/api/messages/{message['id']}", headers=chat.reader.headers)
    assert answer.status_code == 200 and "zebra" not in answer.text
    assert (answer.json()["body"] == NEW) if how == "edited" else (answer.json()["deleted"] is not None)


@pytest.mark.parametrize("how", REMOVALS)
async def test_the_search_index_holds_no_removed_words(
    client: httpx.AsyncClient, services: Services, chat: CourseChat, how: str
) -> None:
    message = await sent(client, chat.author, chat.conversation_id, OLD)
    assert "zebra" in (await indexed_words(services, message["id"]) or "")
    await remove(client, chat, message["id"], how)
    found = await client.get("/api/search", params={"q": "zebra"}, headers=chat.reader.headers)
    assert found.status_code == 200 and found.json()["hits"] == []
    words = await indexed_words(services, message["id"])
    if how == "edited":
        assert words is not None and "zebra" not in words and "lunch" in words
    else:
        assert words is None  # the row is gone


@pytest.mark.parametrize("how", REMOVALS)
async def test_the_conversation_preview_holds_no_removed_text(
    client: httpx.AsyncClient, chat: CourseChat, how: str
) -> None:
    message = await sent(client, chat.author, chat.conversation_id, OLD)
    await remove(client, chat, message["id"], how)
    for person in (chat.author, chat.reader):
        (entry,) = [c for c in await conversation_list(client, person) if c["id"] == chat.conversation_id]
        expected = {
            "edited": NEW,
            "deleted_by_sender": "This message was deleted.",
            "deleted_by_moderator": "This message was removed by Maria Jensen",
        }[how]
        assert entry["preview"]["text"] == expected


@pytest.mark.parametrize("how", REMOVALS)
async def test_a_forward_keeps_its_own_text_when_the_original_is_removed(
    client: httpx.AsyncClient, chat: CourseChat, how: str
) -> None:
    message = await sent(client, chat.author, chat.conversation_id, OLD)
    direct = (await started(client, chat.reader, people=[chat.teacher.id], body="look"))["conversation"]["id"]
    forwarded = await client.post(
        f"/api/messages/{message['id']}/forward",
        json={"conversation_id": direct},
        headers=chat.reader.headers,
    )
    assert forwarded.status_code == 201, forwarded.text
    await remove(client, chat, message["id"], how)
    newest = (await history(client, chat.teacher, direct))["messages"][0]
    assert newest["body"] == OLD and newest["forwarded_from"]["sender_name"] == "Emma"


@pytest.mark.parametrize("how", ["deleted_by_sender", "edited"])
async def test_individual_messages_are_removed_from_every_recipients_copy(
    client: httpx.AsyncClient, services: Services, chat: CourseChat, how: str
) -> None:
    batch = await started(
        client, chat.author, people=[chat.reader.id, chat.teacher.id], mode="individual", body=OLD
    )
    assert batch["conversation"]["kind"] == "individual"
    await remove(client, chat, batch["message"]["id"], how)
    for person in (chat.reader, chat.teacher):
        (direct,) = [c for c in await conversation_list(client, person) if c["kind"] == "direct"]
        copy = (await history(client, person, direct["id"]))["messages"][0]
        seen = [
            json.dumps(direct),
            json.dumps(copy),
            (await client.get("/api/events", params={"after": 0}, headers=person.headers)).text,
        ]
        assert not [text for text in seen if "zebra" in text], person.name
        assert (copy["body"] == NEW) if how == "edited" else (copy["deleted"] is not None)
        assert "zebra" not in await stored_texts(services, copy["id"])


async def test_a_copy_deleted_in_its_1to1_goes_alone(client: httpx.AsyncClient, chat: CourseChat) -> None:
    await started(client, chat.author, people=[chat.reader.id, chat.teacher.id], mode="individual", body=OLD)
    to_reader, to_teacher = [
        next(c for c in await conversation_list(client, person) if c["kind"] == "direct")
        for person in (chat.reader, chat.teacher)
    ]
    copy = (await history(client, chat.reader, to_reader["id"]))["messages"][0]
    assert (
        await client.delete(f"/api/messages/{copy['id']}", headers=chat.author.headers)
    ).status_code == 200
    assert (await history(client, chat.teacher, to_teacher["id"]))["messages"][0]["body"] == OLD


@pytest.mark.parametrize("how", REMOVALS)
async def test_the_event_log_holds_no_removed_text(
    client: httpx.AsyncClient, services: Services, chat: CourseChat, how: str
) -> None:
    message = await sent(client, chat.author, chat.conversation_id, OLD)
    await remove(client, chat, message["id"], how)
    for person in (chat.author, chat.reader, chat.teacher):  # GET /api/events, as every member
        answer = await client.get("/api/events", params={"after": 0}, headers=person.headers)
        assert answer.status_code == 200 and "zebra" not in answer.text
        created = [
            e
            for e in answer.json()["events"]
            if e["type"] == "message.created" and e["payload"]["message"]["id"] == message["id"]
        ]
        shown = created[0]["payload"][
            "message"
        ]  # the creation is still there, showing the message as it is now
        assert (shown["body"] == NEW) if how == "edited" else (shown["body"] is None and shown["deleted"])
    async with services.db.read() as conn:  # what another process re-reads after missing the bus
        assert "zebra" not in json.dumps([event.payload for event in await log.events_after(conn, 0, 10_000)])


async def test_an_edit_leaves_no_earlier_version_in_the_event_log(
    client: httpx.AsyncClient, services: Services, chat: CourseChat
) -> None:
    message = await sent(client, chat.author, chat.conversation_id, OLD)
    for body in ("First giraffe draft", NEW):
        answer = await client.patch(
            f"/api/messages/{message['id']}", json={"body": body}, headers=chat.author.headers
        )
        assert answer.status_code == 200, answer.text
    async with services.db.read() as conn:
        logged = json.dumps([event.payload for event in await log.events_after(conn, 0, 10_000)])
    assert "zebra" not in logged and "giraffe" not in logged and NEW in logged


async def _mass_message(
    client: httpx.AsyncClient, app: FastAPI, make: Factory, body: str
) -> tuple[Person, list[Person], int]:
    admin = await make.person("Ada Admin", "admin")
    district_admin = await make.person("Dina District", "admin", school=make.district)
    granted = await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": True}, headers=district_admin.headers
    )
    assert granted.status_code == 204, granted.text
    students = await make.people(2)
    accepted = await client.post(
        "/api/mass-messages",
        json={"org_ids": [make.school], "roles": ["student"], "body": body},
        headers=admin.headers,
    )
    assert accepted.status_code == 202, accepted.text
    await app.state.mass_messages.drain()
    conversation_id = accepted.json()["conversation_id"]
    message_id = (await history(client, admin, conversation_id))["messages"][0]["id"]
    return admin, students, message_id


@pytest.mark.parametrize("how", ["deleted_by_sender", "edited"])
async def test_a_mass_message_body_is_gone_for_every_recipient(
    client: httpx.AsyncClient, app: FastAPI, make: Factory, services: Services, how: str
) -> None:
    admin, students, message_id = await _mass_message(client, app, make, OLD)
    answer = (
        await client.delete(f"/api/messages/{message_id}", headers=admin.headers)
        if how != "edited"
        else await client.patch(f"/api/messages/{message_id}", json={"body": NEW}, headers=admin.headers)
    )
    assert answer.status_code == 200, answer.text
    for person in (admin, *students):
        (entry,) = [c for c in await conversation_list(client, person) if c["kind"] == "mass"]
        seen = [
            json.dumps(entry),
            json.dumps(await history(client, person, entry["id"])),
            (await client.get(f"/api/messages/{message_id}", headers=person.headers)).text,
            (await client.get("/api/events", params={"after": 0}, headers=person.headers)).text,
        ]
        assert not [copy for copy in seen if "zebra" in copy], person.name
    assert "zebra" not in await stored_texts(services, message_id)


@pytest.mark.parametrize("how", DELETES)
async def test_a_deleted_messages_files_are_gone_from_local_storage(
    client: httpx.AsyncClient, services: Services, chat: CourseChat, tmp_path: Path, how: str
) -> None:
    file = await uploaded(client, chat.author, "zebra.pdf", samples.PDF)
    message = await sent_files(client, chat.author, chat.conversation_id, [file["id"]], OLD)
    folder = tmp_path / "attachments"
    assert [path for path in folder.rglob("*") if path.is_file()]
    await remove(client, chat, message["id"], how)
    assert [path for path in folder.rglob("*") if path.is_file()] == []
    assert (
        await client.get(f"/api/attachments/{file['id']}", headers=chat.reader.headers)
    ).status_code == 404
    async with services.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(attachments))).scalar_one() == 0


class TestDatabaseStorage:
    """The same with the files in the database (``SCHOOLCHAT_ATTACHMENTS_STORAGE=database``)."""

    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Path) -> Settings:
        return Settings(
            database_url=database_url,
            secret_key=SECRET,
            data_dir=tmp_path,
            max_message_length=2000,
            attachments_storage="database",
        )

    @pytest.mark.parametrize("how", DELETES)
    async def test_a_deleted_messages_files_are_gone_from_database_storage(
        self, client: httpx.AsyncClient, services: Services, chat: CourseChat, how: str
    ) -> None:
        file = await uploaded(client, chat.author, "zebra.pdf", samples.PDF)
        message = await sent_files(client, chat.author, chat.conversation_id, [file["id"]], OLD)
        await remove(client, chat, message["id"], how)
        assert (
            await client.get(f"/api/attachments/{file['id']}", headers=chat.reader.headers)
        ).status_code == 404
        async with services.db.read() as conn:
            assert (await conn.execute(select(func.count()).select_from(attachment_blobs))).scalar_one() == 0
            assert (await conn.execute(select(func.count()).select_from(attachments))).scalar_one() == 0


async def test_many_messages_are_erased_in_one_transaction_from_every_copy(
    client: httpx.AsyncClient, services: Services, chat: CourseChat
) -> None:
    """The shape the erasure and retention jobs use: ids in, every copy out, in the caller's transaction."""
    ids = [(await sent(client, chat.author, chat.conversation_id, f"{OLD} {n}"))["id"] for n in range(3)]
    other = await sent(client, chat.reader, chat.conversation_id, "A reply that stays")
    async with services.db.write() as tx:
        erased = await erasure.erase(tx, services, [*ids, ids[0]], by=None)
    assert sorted(erased) == ids
    assert all(
        wire.deleted is not None and wire.deleted.notice == "This message was deleted."
        for wire in erased.values()
    )
    page = await history(client, chat.reader, chat.conversation_id)
    assert "zebra" not in json.dumps(page) and other["id"] in [m["id"] for m in page["messages"]]
    async with services.db.read() as conn:
        logged = [event.payload for event in await log.events_after(conn, 0, 10_000)]
        deleted = (
            await conn.execute(
                select(func.count()).select_from(events).where(events.c.type == "message.deleted")
            )
        ).scalar_one()
    assert "zebra" not in json.dumps(logged) and deleted == 3
    assert [await indexed_words(services, message_id) for message_id in ids] == [None, None, None]
    async with services.db.write() as tx:  # erasing again changes nothing and tells nobody
        assert await erasure.erase(tx, services, ids, by=None) == {}
