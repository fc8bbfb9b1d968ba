"""Where the bytes of attachments live, behind one interface.

- ``LocalStorage`` (the default): files in a folder outside anything the service serves
  (``SCHOOLCHAT_DATA_DIR/attachments`` unless ``SCHOOLCHAT_ATTACHMENTS_DIR`` says otherwise), under random keys.
  A file is written to a temporary name and renamed into place only when complete.
- ``DatabaseStorage``: chunks in the ``attachment_blobs`` table of the service's own database, which every process
  on every host already shares (SQLite or PostgreSQL alike). Each chunk is its own short transaction, so a slow
  upload never holds the database's write lock.

``save`` consumes a stream and leaves nothing behind when the stream fails (too large, refused, disconnected).
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import delete, func, insert, select

from schoolchat.attachments.models import attachment_blobs
from schoolchat.config import Settings
from schoolchat.db import Database

READ_CHUNK = 256 * 1024


class Storage(Protocol):
    async def save(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        """Store the stream under ``key`` and return its size; on any error nothing is left under the key."""
        ...

    def read(self, key: str) -> AsyncIterator[bytes]:
        """The stored bytes, a chunk at a time."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the bytes; removing what is not there is not an error."""
        ...


def new_key() -> str:
    return secrets.token_hex(16)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # keys are ours (hex); refuse anything that could walk out of the folder
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    async def save(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        final = self._path(key)
        partial = self.root / "incoming" / f"{key}.part"
        await asyncio.to_thread(_make_folders, final.parent, partial.parent)
        size = 0
        handle: BinaryIO = await asyncio.to_thread(partial.open, "wb")
        try:
            async for chunk in chunks:
                await asyncio.to_thread(handle.write, chunk)
                size += len(chunk)
            await asyncio.to_thread(_flush_and_close, handle)
            await asyncio.to_thread(os.replace, partial, final)
        except BaseException:
            handle.close()
            partial.unlink(missing_ok=True)
            raise
        return size

    async def read(self, key: str) -> AsyncIterator[bytes]:
        handle: BinaryIO = await asyncio.to_thread(self._path(key).open, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)


def _make_folders(*folders: Path) -> None:
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def _flush_and_close(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


class DatabaseStorage:
    def __init__(self, db: Database, chunk_size: int = READ_CHUNK) -> None:
        self.db = db
        self.chunk_size = chunk_size

    async def save(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        size, number, pending = 0, 0, bytearray()
        try:
            async for chunk in chunks:
                pending += chunk
                size += len(chunk)
                while len(pending) >= self.chunk_size:
                    await self._put(key, number, bytes(pending[: self.chunk_size]))
                    del pending[: self.chunk_size]
                    number += 1
            if pending or number == 0:
                await self._put(key, number, bytes(pending))
        except BaseException:
            await asyncio.shield(self.delete(key))
            raise
        return size

    async def _put(self, key: str, number: int, data: bytes) -> None:
        async with self.db.write() as tx:
            await tx.conn.execute(insert(attachment_blobs).values(storage_key=key, chunk=number, data=data))

    async def read(self, key: str) -> AsyncIterator[bytes]:
        """One short read per chunk, so a slow download holds no connection between chunks."""
        async with self.db.read() as conn:
            count = (
                await conn.execute(select(func.count()).where(attachment_blobs.c.storage_key == key))
            ).scalar_one()
        for number in range(count):
            async with self.db.read() as conn:
                data = (
                    await conn.execute(
                        select(attachment_blobs.c.data).where(
                            attachment_blobs.c.storage_key == key, attachment_blobs.c.chunk == number
                        )
                    )
                ).scalar_one()
            if data:
                yield bytes(data)

    async def delete(self, key: str) -> None:
        async with self.db.write() as tx:
            await tx.conn.execute(delete(attachment_blobs).where(attachment_blobs.c.storage_key == key))


def storage_for(settings: Settings, db: Database) -> Storage:
    """The configured backend (``SCHOOLCHAT_ATTACHMENTS_STORAGE``: ``local`` or ``database``)."""
    if settings.attachments_storage == "database":
        return DatabaseStorage(db)
    return LocalStorage(settings.attachments_dir or settings.data_dir / "attachments")
