"""Uploads never sent are deleted after ``unsent_upload_hours`` (row and bytes); nothing a message or a report
carries is, and nothing younger. Time is controlled by setting ``created_at`` in the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text, update

from schoolchat.attachments.actions import delete_unsent
from schoolchat.attachments.models import attachments
from schoolchat.attachments.queries import pending_of
from schoolchat.attachments.writes import link
from schoolchat.db import Database, Tx
from schoolchat.db.types import utcnow
from schoolchat.services import Services
from tests.attachments import samples
from tests.attachments.calls import send_files, sent_files, uploaded
from tests.calls import sent, started
from tests.factories import Factory, Person


async def _age(services: Services, attachment_id: int, hours: float) -> None:
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(attachments)
            .where(attachments.c.id == attachment_id)
            .values(created_at=utcnow() - timedelta(hours=hours))
        )


async def _kept(services: Services, attachment_id: int) -> bool:
    async with services.db.read() as conn:
        return (
            await conn.execute(select(attachments.c.id).where(attachments.c.id == attachment_id))
        ).first() is not None


def _stored_files(tmp_path: Path) -> int:
    return sum(1 for path in (tmp_path / "attachments").rglob("*") if path.is_file())


async def _conversation(client: httpx.AsyncClient, make: Factory) -> tuple[Person, Person, int]:
    emma, noah = await make.person(), await make.person()
    return emma, noah, (await started(client, emma, people=[noah.id]))["conversation"]["id"]


async def test_an_expired_unsent_upload_is_deleted_with_its_bytes(
    client: httpx.AsyncClient, make: Factory, services: Services, tmp_path: Path
) -> None:
    emma = await make.person()
    file = await uploaded(client, emma, "notes.pdf", samples.PDF)
    await _age(services, file["id"], 25)
    assert _stored_files(tmp_path) == 1
    assert (await delete_unsent(services)).deleted == 1
    assert not await _kept(services, file["id"])
    assert _stored_files(tmp_path) == 0
    assert (await client.get(f"/api/attachments/{file['id']}", headers=emma.headers)).status_code == 404


async def test_a_sent_file_is_kept_however_old(
    client: httpx.AsyncClient, make: Factory, services: Services, tmp_path: Path
) -> None:
    emma, noah, conversation_id = await _conversation(client, make)
    file = await uploaded(client, emma, "notes.pdf", samples.PDF)
    await sent_files(client, emma, conversation_id, [file["id"]])
    await _age(services, file["id"], 24 * 365)
    assert (await delete_unsent(services)).deleted == 0
    assert (await client.get(f"/api/attachments/{file['id']}", headers=noah.headers)).content == samples.PDF


async def test_a_young_upload_is_kept(
    client: httpx.AsyncClient, make: Factory, services: Services, tmp_path: Path
) -> None:
    emma = await make.person()
    file = await uploaded(client, emma, "notes.pdf", samples.PDF)
    await _age(services, file["id"], 23.9)
    assert (await delete_unsent(services)).deleted == 0
    # ... until the limit has passed: the sweep takes its time as ``now``.
    assert (await delete_unsent(services, now=utcnow() + timedelta(hours=1))).deleted == 1
    assert _stored_files(tmp_path) == 0


async def test_the_evidence_of_a_report_is_kept(
    client: httpx.AsyncClient, make: Factory, services: Services, tmp_path: Path
) -> None:
    """Whatever a report holds on to (today: the reported message, which carries the file) outlives the sweep."""
    emma, noah, conversation_id = await _conversation(client, make)
    file = await uploaded(client, noah, "mean.png", samples.PNG)
    message = await sent_files(client, noah, conversation_id, [file["id"]], body="look")
    report = await client.post(
        f"/api/messages/{message['id']}/report", json={"reason": "bullying"}, headers=emma.headers
    )
    assert report.status_code == 201, report.text
    async with services.db.write() as tx:
        await tx.conn.execute(update(attachments).values(created_at=utcnow() - timedelta(days=30)))
    files_before = _stored_files(tmp_path)
    assert (await delete_unsent(services)).deleted == 0
    assert await _kept(services, file["id"])
    assert _stored_files(tmp_path) == files_before
    assert (await client.get(f"/api/attachments/{file['id']}", headers=emma.headers)).content == samples.PNG


async def test_the_sweep_deletes_in_batches_of_one_transaction_each(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emma = await make.person()
    files = [await uploaded(client, emma, f"notes{n}.pdf", samples.PDF) for n in range(5)]
    for file in files:
        await _age(services, file["id"], 48)
    young = await uploaded(client, emma, "today.pdf", samples.PDF)
    writes = _count_writes(services, monkeypatch)
    swept = await delete_unsent(services, batch_size=2)
    assert (swept.deleted, len(writes)) == (5, 3)  # 2 + 2 + 1
    assert swept.after_id == files[-1]["id"]  # the next round starts after the files it has settled
    assert [await _kept(services, file["id"]) for file in [*files, young]] == [False] * 5 + [True]
    assert _stored_files(tmp_path) == 1


async def test_a_send_with_an_expired_upload_is_404_like_an_unknown_id(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    emma, _, conversation_id = await _conversation(client, make)
    file = await uploaded(client, emma, "notes.pdf", samples.PDF)
    await _age(services, file["id"], 25)
    await delete_unsent(services)
    expired = await send_files(client, emma, conversation_id, [file["id"]])
    unknown = await send_files(client, emma, conversation_id, [file["id"] + 1000])
    assert expired.status_code == unknown.status_code == 404
    assert expired.json() == unknown.json()


def _count_writes(services: Services, monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Notes each write transaction from now on."""
    writes: list[None] = []
    write = services.db.write

    @asynccontextmanager
    async def counted() -> AsyncIterator[Tx]:
        writes.append(None)
        async with write() as tx:
            yield tx

    monkeypatch.setattr(services.db, "write", counted)
    return writes


async def test_two_processes_sweeping_at_once_neither_fail_nor_delete_twice(
    client: httpx.AsyncClient, make: Factory, services: Services, tmp_path: Path
) -> None:
    emma = await make.person()
    for n in range(6):
        await _age(services, (await uploaded(client, emma, f"notes{n}.pdf", samples.PDF))["id"], 48)
    other = Services(services.settings, Database(services.settings.effective_database_url), services.bus)
    try:
        swept = await asyncio.gather(
            delete_unsent(services, batch_size=2), delete_unsent(other, batch_size=2)
        )
    finally:
        await other.db.dispose()
    assert sum(one.deleted for one in swept) == 6  # each file deleted (and its bytes removed) by one of them
    assert _stored_files(tmp_path) == 0


async def test_a_send_linking_an_expired_upload_during_a_sweep_keeps_it(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    """PostgreSQL: the send holds its files locked until it commits; the sweep waits, then sees the link."""
    if services.db.is_sqlite:
        pytest.skip("SQLite serialises every writer: a sweep cannot run inside a send")
    emma, noah, conversation_id = await _conversation(client, make)
    message = await sent(client, emma, conversation_id, "here it comes")
    file = await uploaded(client, emma, "notes.pdf", samples.PDF)
    await _age(services, file["id"], 25)
    async with services.db.write() as tx:  # what a send does with the file, held open
        claimed = await pending_of(tx.conn, emma.id, [file["id"]])
        sweep = asyncio.create_task(delete_unsent(services))
        await _until_someone_waits_for_a_lock(services)
        await link(tx, message["id"], list(claimed.values()))
    assert (await sweep).deleted == 0
    assert (await client.get(f"/api/attachments/{file['id']}", headers=noah.headers)).content == samples.PDF


async def _until_someone_waits_for_a_lock(services: Services) -> None:
    async with asyncio.timeout(10):
        while True:
            async with services.db.read() as conn:
                if (await conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))).scalar_one():
                    return
            await asyncio.sleep(0.01)
