"""Building blocks for files in other domains' transactions: each takes the caller's ``Tx`` and never commits.

The message actions compose them: ``claim`` (the sender's pending files for a send), ``link`` and
``discard_for_messages``; reports hold files as evidence and erasure releases them. A file's bytes are deleted only
once the transaction that deleted its row has committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert

from schoolchat.attachments import queries
from schoolchat.attachments.models import attachments, evidence_attachments, message_attachments
from schoolchat.attachments.storage import storage_for
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.errors import ApiError, not_found
from schoolchat.i18n.catalog import text
from schoolchat.services import Services

MAX_PER_MESSAGE = 10


async def claim(tx: Tx, actor: Actor, attachment_ids: Sequence[int]) -> list[Any]:
    """The sender's own files not sent yet, in the order given; 404 for any other id (not theirs, or used)."""
    if len(attachment_ids) > MAX_PER_MESSAGE:
        raise ApiError(
            422,
            "too_many_attachments",
            text("attachments.too_many", limit=MAX_PER_MESSAGE),
            {"field": "attachment_ids", "max": MAX_PER_MESSAGE},
        )
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
        await tx.conn.execute(
            insert(message_attachments),
            [
                {"message_id": message_id, "attachment_id": row.id, "position": position}
                for position, row in enumerate(files)
            ],
        )
    return [queries.to_wire(row) for row in files]


async def hold_as_evidence(tx: Tx, report_id: int, attachment_ids: Sequence[int]) -> None:
    """Keep these files (of the messages a report froze) for as long as the report exists."""
    if attachment_ids:
        await tx.conn.execute(
            insert(evidence_attachments),
            [
                {"report_id": report_id, "attachment_id": attachment_id}
                for attachment_id in sorted(set(attachment_ids))
            ],
        )


async def discard_for_messages(tx: Tx, services: Services, message_ids: Sequence[int]) -> None:
    """Deleted (or moderated, or erased) messages take their files with them: the links go, and each file no other
    message carries any more is deleted, its bytes once the transaction has committed (a rollback keeps them). A
    file a report's evidence holds stays, for the report's reviewers (``queries.get_evidence``).
    """
    if not message_ids:
        return
    await _delete_unheld(
        tx,
        services,
        (
            await tx.conn.execute(
                delete(message_attachments)
                .where(message_attachments.c.message_id.in_(message_ids))
                .returning(message_attachments.c.attachment_id)
            )
        )
        .scalars()
        .all(),
    )


async def release_evidence(tx: Tx, services: Services, report_id: int, attachment_ids: Sequence[int]) -> None:
    """A report's evidence lets these files go (an erased person's, once the legal hold has passed): each one no
    message and no other report holds is deleted, its bytes once ``tx`` has committed."""
    if attachment_ids:
        await _delete_unheld(
            tx,
            services,
            (
                await tx.conn.execute(
                    delete(evidence_attachments)
                    .where(
                        evidence_attachments.c.report_id == report_id,
                        evidence_attachments.c.attachment_id.in_(sorted(set(attachment_ids))),
                    )
                    .returning(evidence_attachments.c.attachment_id)
                )
            )
            .scalars()
            .all(),
        )


async def discard_unsent_of(tx: Tx, services: Services, uploader_id: int) -> None:
    """Delete a person's uploads that no message carries and no report holds (their erasure)."""
    keys = (
        (
            await tx.conn.execute(
                delete(attachments)
                .where(attachments.c.uploader_id == uploader_id, ~queries.sent())
                .returning(attachments.c.storage_key)
            )
        )
        .scalars()
        .all()
    )
    delete_bytes_after_commit(tx, services, keys)


async def _delete_unheld(tx: Tx, services: Services, attachment_ids: Sequence[int]) -> None:
    """Of these files, delete those no message carries and no report holds any more (``queries.sent``)."""
    if not attachment_ids:
        return
    orphans = (
        (
            await tx.conn.execute(
                delete(attachments)
                .where(attachments.c.id.in_(sorted(set(attachment_ids))), ~queries.sent())
                .returning(attachments.c.storage_key)
            )
        )
        .scalars()
        .all()
    )
    delete_bytes_after_commit(tx, services, orphans)


def delete_bytes_after_commit(tx: Tx, services: Services, keys: Sequence[str]) -> None:
    """Delete the bytes of files whose rows ``tx`` deletes, once it has committed: a rollback keeps the rows, which
    must not point at nothing."""
    if not keys:
        return
    store = storage_for(services.settings, services.db)

    async def _remove_bytes() -> None:
        for key in keys:
            await store.delete(key)

    tx.on_commit(_remove_bytes)
