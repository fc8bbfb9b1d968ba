"""Uploading files, linking them to messages, and discarding them with their messages.

An upload is one action: the stream is checked while it passes (size limit, format) and written to storage; only
a complete, accepted file gets a row. The rest are building blocks the message actions compose in their own
transactions: ``claim`` (the sender's pending files for a send), ``link`` and ``discard_for_message``.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any

from sqlalchemy import delete, insert, select

from schoolchat.attachments import queries
from schoolchat.attachments.checks import Inspector
from schoolchat.attachments.filenames import clean
from schoolchat.attachments.models import attachments, message_attachments
from schoolchat.attachments.storage import Storage, new_key, storage_for
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError, not_found
from schoolchat.policy.decision import require
from schoolchat.policy.messaging import may_use_messaging
from schoolchat.services import Services

MAX_PER_MESSAGE = 10


def too_large(max_bytes: int) -> ApiError:
    """§5.2: "The maximum file size is 20 MB." (413, also when the client's Content-Length said otherwise)."""
    return ApiError(413, "file_too_large", f"The maximum file size is {max_bytes // (1024 * 1024)} MB.",
                    {"max_bytes": max_bytes})


def storage(services: Services) -> Storage:
    return storage_for(services.settings, services.db)


async def upload(services: Services, actor: Actor, filename: str, chunks: AsyncIterable[bytes]) -> dict[str, Any]:
    """Store one file for the uploader to attach to a message; refused files leave nothing behind."""
    require(may_use_messaging(actor.messaging_disabled))
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
            attachment_id = (await tx.conn.execute(insert(attachments).values(
                uploader_id=actor.id, name=name, size=size, content_type=inspector.format.content_type,
                storage_key=key, sha256=digest.hexdigest(), created_at=utcnow()).returning(attachments.c.id))
            ).scalar_one()
    except BaseException:
        await store.delete(key)
        raise
    return {"id": attachment_id, "name": name, "size": size, "content_type": inspector.format.content_type}


async def claim(tx: Tx, actor: Actor, attachment_ids: Sequence[int]) -> list[Any]:
    """The sender's own files not sent yet, in the order given; 404 for any other id (not theirs, or used)."""
    if len(attachment_ids) > MAX_PER_MESSAGE:
        raise ApiError(422, "too_many_attachments", f"A message can carry at most {MAX_PER_MESSAGE} files.",
                       {"field": "attachment_ids", "max": MAX_PER_MESSAGE})
    wanted = list(dict.fromkeys(attachment_ids))
    if not wanted:
        return []
    found = await queries.pending_of(tx.conn, actor.id, wanted)
    missing = [attachment_id for attachment_id in wanted if attachment_id not in found]
    if missing:
        raise not_found("attachment")
    return [found[attachment_id] for attachment_id in wanted]


async def link(tx: Tx, message_id: int, files: Sequence[Any]) -> list[dict[str, Any]]:
    """Attach files to a message; returns them as the message's wire format shows them."""
    if files:
        await tx.conn.execute(insert(message_attachments), [
            {"message_id": message_id, "attachment_id": row.id, "position": position}
            for position, row in enumerate(files)])
    return [queries.to_wire(row) for row in files]


async def discard_for_message(tx: Tx, services: Services, message_id: int) -> None:
    """A deleted (or moderated) message takes its files with it: the links go, and each file no other message
    carries any more is deleted, its bytes once the transaction has committed (a rollback keeps them).

    Whoever must keep a copy (report evidence) copies the bytes before calling this.
    """
    attachment_ids = await queries.ids_of_message(tx.conn, message_id)
    if not attachment_ids:
        return
    await tx.conn.execute(delete(message_attachments).where(message_attachments.c.message_id == message_id))
    still_linked = select(message_attachments.c.attachment_id).where(
        message_attachments.c.attachment_id.in_(attachment_ids))
    orphans = (await tx.conn.execute(
        delete(attachments).where(attachments.c.id.in_(attachment_ids), attachments.c.id.not_in(still_linked))
        .returning(attachments.c.storage_key))).scalars().all()
    if orphans:
        store = storage(services)

        async def _remove_bytes() -> None:
            for key in orphans:
                await store.delete(key)

        tx.on_commit(_remove_bytes)
