"""Uploading files and sweeping away those never sent: the public actions on files (each opens its own
transaction). The building blocks other domains compose in theirs are in ``attachments.writes``.

An upload is one action: the stream is checked while it passes (size limit, format) and written to storage; only
a complete, accepted file gets a row. Uploads never sent are deleted once ``unsent_upload_hours`` have passed
(``delete_unsent``, run periodically by every process).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import takewhile
from typing import Any

from sqlalchemy import delete, insert, select

from schoolchat.attachments import queries, writes
from schoolchat.attachments.checks import Inspector
from schoolchat.attachments.filenames import clean
from schoolchat.attachments.models import attachments
from schoolchat.attachments.storage import Storage, new_key, storage_for
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.services import Services


def too_large(max_bytes: int) -> ApiError:
    """§5.2: "The maximum file size is 20 MB." (413, also when the client's Content-Length said otherwise)."""
    return ApiError(
        413,
        "file_too_large",
        text("attachments.too_large", megabytes=max_bytes // (1024 * 1024)),
        {"max_bytes": max_bytes},
    )


def storage(services: Services) -> Storage:
    return storage_for(services.settings, services.db)


async def upload(
    services: Services, actor: Actor, filename: str, chunks: AsyncIterable[bytes]
) -> dict[str, Any]:
    """Store one file for the uploader to attach to a message; refused files leave nothing behind."""
    name = clean(filename)
    inspector = Inspector(name)  # an extension off the allow-list is refused before a byte is stored
    limit = services.settings.max_attachment_bytes
    digest = hashlib.sha256()

    async def checked() -> AsyncIterator[bytes]:
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            inspector.feed(chunk)
            digest.update(chunk)
            yield chunk
        inspector.finish()

    key, store = new_key(), storage(services)
    size = await store.save(key, checked())
    try:
        async with services.db.write() as tx:
            attachment_id = (
                await tx.conn.execute(
                    insert(attachments)
                    .values(
                        uploader_id=actor.id,
                        name=name,
                        size=size,
                        content_type=inspector.format.content_type,
                        storage_key=key,
                        sha256=digest.hexdigest(),
                        created_at=utcnow(),
                    )
                    .returning(attachments.c.id)
                )
            ).scalar_one()
    except BaseException:
        await store.delete(key)
        raise
    return {"id": attachment_id, "name": name, "size": size, "content_type": inspector.format.content_type}


SWEEP_BATCH = 500  # files read, and at most deleted, per transaction of a sweep


@dataclass(frozen=True)
class Swept:
    deleted: int
    after_id: int  # every file up to this id is sent or deleted: the next sweep may start after it


async def delete_unsent(
    services: Services, *, now: datetime | None = None, after_id: int = 0, batch_size: int = SWEEP_BATCH
) -> Swept:
    """Delete the uploads no message carries that are older than ``unsent_upload_hours``: rows, and bytes after each
    commit. A sent file is never touched, however old: neither one a message carries nor one a report's evidence
    holds (``queries.sent``).

    Files are read in id order after ``after_id``, ``batch_size`` at a time (keyset on the primary key, so a round
    never scans the whole table), and each batch's deletions are a transaction of their own, so the SQLite write
    lock is held briefly. A round stops at the first upload still young: ids grow with upload time, so the ones
    after it are young too. Everything before it is sent or deleted for good (a sent file loses its last link
    only in ``discard_for_messages``, which deletes it), which is why the returned ``after_id`` may be passed to
    the next round.
    """
    cutoff = (now or utcnow()) - timedelta(hours=services.settings.unsent_upload_hours)
    deleted = 0
    while True:
        async with services.db.read() as conn:
            rows = (
                await conn.execute(
                    select(attachments.c.id, attachments.c.created_at, queries.sent().label("sent"))
                    .where(attachments.c.id > after_id)
                    .order_by(attachments.c.id)
                    .limit(batch_size)
                )
            ).all()
        old = list(takewhile(lambda row: row.created_at < cutoff, rows))
        expired = [row.id for row in old if not row.sent]
        if expired:
            async with services.db.write() as tx:
                deleted += await _delete_expired(tx, services, expired, cutoff)
        if len(old) < batch_size:  # a young upload, or the end of the table
            return Swept(deleted, old[-1].id if old else after_id)
        after_id = old[-1].id


async def _delete_expired(tx: Tx, services: Services, attachment_ids: list[int], cutoff: datetime) -> int:
    """Delete those of these files that are still unsent and expired; how many were deleted.

    On PostgreSQL a send may be linking one of them right now (``claim`` holds a share lock on its files until it
    commits). So the rows are locked first, in id order like ``claim``'s (no deadlock), which waits for such a send
    to end; the delete is a second statement, whose fresh snapshot sees the link the send committed and keeps the
    file, instead of cascading into the new link. A send that comes after the lock waits for this transaction and
    finds the file gone: 404. Two processes sweeping at once lock the same rows in turn, and only the one whose
    delete returns a row removes its bytes. SQLite writers are serialised anyway (the lock renders as nothing).
    """
    await tx.conn.execute(
        select(attachments.c.id)
        .where(attachments.c.id.in_(attachment_ids))
        .order_by(attachments.c.id)
        .with_for_update()
    )
    keys = (
        (
            await tx.conn.execute(
                delete(attachments)
                .where(
                    attachments.c.id.in_(attachment_ids), attachments.c.created_at < cutoff, ~queries.sent()
                )
                .returning(attachments.c.storage_key)
            )
        )
        .scalars()
        .all()
    )
    writes.delete_bytes_after_commit(tx, services, keys)
    return len(keys)


class UnsentUploads:
    """The periodic sweep of one process: it remembers how far its earlier rounds got (``Swept.after_id``), so a
    round reads only the files uploaded since, not every file ever sent."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.after_id = 0

    async def sweep(self) -> int:
        swept = await delete_unsent(self.services, after_id=self.after_id)
        self.after_id = swept.after_id
        return swept.deleted
