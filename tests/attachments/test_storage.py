"""Both storage backends (issue 5 item 4): the local folder (default) and the database, which several processes
on several hosts share. Each keeps whole files only: a stream that fails leaves nothing behind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from schoolchat.attachments.models import attachment_blobs
from schoolchat.attachments.storage import DatabaseStorage, LocalStorage, Storage, new_key
from schoolchat.config import Settings
from schoolchat.services import Services
from tests.attachments import samples
from tests.attachments.calls import sent_files, uploaded
from tests.calls import started
from tests.conftest import SECRET
from tests.factories import Factory

DATA = bytes(range(256)) * 1000  # 256,000 bytes: several chunks of 64 KiB


@pytest.fixture(params=["local", "database"])
def store(request: pytest.FixtureRequest, services: Services, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    return DatabaseStorage(services.db, chunk_size=64 * 1024)


async def _pieces(data: bytes, size: int = 10_000, fail_after: int | None = None) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        if fail_after is not None and start >= fail_after:
            raise ConnectionResetError("the client went away")
        yield data[start : start + size]


async def _read(store: Storage, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(key)])


async def _leftovers(store: Storage, services: Services) -> int:
    if isinstance(store, LocalStorage):
        return sum(1 for path in store.root.rglob("*") if path.is_file())
    async with services.db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(attachment_blobs))).scalar_one()


async def test_a_stored_file_reads_back_whole_and_is_deleted(store: Storage, services: Services) -> None:
    key = new_key()
    assert await store.save(key, _pieces(DATA)) == len(DATA)
    assert await _read(store, key) == DATA
    await store.delete(key)
    assert await _leftovers(store, services) == 0
    await store.delete(key)  # deleting twice is not an error


async def test_a_stream_that_fails_half_way_leaves_nothing(store: Storage, services: Services) -> None:
    with pytest.raises(ConnectionResetError):
        await store.save(new_key(), _pieces(DATA, fail_after=150_000))
    assert await _leftovers(store, services) == 0


async def test_keys_cannot_walk_out_of_the_local_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        await LocalStorage(tmp_path).delete("../../etc/passwd")


# ---- the whole path through the API on the shared (database) backend -------------------------------------------


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path,
        max_message_length=2000,
        attachments_storage="database",
    )


async def test_the_database_backend_serves_uploads_downloads_and_deletes(
    client: httpx.AsyncClient, make: Factory, services: Services, tmp_path: Path
) -> None:
    emma, noah = await make.person(), await make.person()
    conversation_id = (await started(client, emma, people=[noah.id]))["conversation"]["id"]
    data = samples.PDF + b"\x00" * 600_000
    file = await uploaded(client, emma, "big.pdf", data)
    message = await sent_files(client, emma, conversation_id, [file["id"]])
    assert not (tmp_path / "attachments").exists()  # nothing on this host's disk
    assert (await client.get(f"/api/attachments/{file['id']}", headers=noah.headers)).content == data
    await client.delete(f"/api/messages/{message['id']}", headers=emma.headers)
    async with services.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(attachment_blobs))).scalar_one() == 0
