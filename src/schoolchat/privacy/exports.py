"""Access/portability exports (GDPR Art. 15 and 20): asked for by the person or an admin of theirs, built by the job.

Asking writes the job row and the audit entry; the job (any process, in ``run_jobs``) claims a queued export,
builds the document and the zip (``export.py``), stores it in the file store and marks it ready with its expiry;
expired zips are deleted by the same round. Only the requester downloads it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from schoolchat import audit
from schoolchat.attachments import actions as attachment_actions
from schoolchat.attachments import writes as attachment_writes
from schoolchat.attachments.storage import new_key
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError, not_found
from schoolchat.people import queries as people_queries
from schoolchat.policy.admin import may_administer_user
from schoolchat.policy.decision import require
from schoolchat.privacy import export, texts
from schoolchat.privacy.models import data_exports
from schoolchat.services import Services
from schoolchat.wire import timestamp


def to_wire(row: Any) -> dict[str, Any]:
    ready = row.status == "ready"
    return {
        "id": row.id,
        "user_id": row.user_id,
        "status": row.status,
        "progress": row.progress,
        "requested_at": timestamp(row.requested_at),
        "finished_at": timestamp(row.finished_at) if row.finished_at else None,
        "expires_at": timestamp(row.expires_at) if row.expires_at else None,
        "size": row.size,
        "download_url": f"/api/privacy/exports/{row.id}/download" if ready else None,
    }


async def start(services: Services, actor: Actor, user_id: int) -> dict[str, Any]:
    """The person themself, or an admin of every org they belong to, asks for an export of their data."""
    async with services.db.write() as tx:
        chains = await people_queries.user_org_chains(tx.conn, user_id)
        if user_id != actor.id:
            require(may_administer_user(actor.roles, chains))
        row = (
            await tx.conn.execute(
                insert(data_exports)
                .values(user_id=user_id, requested_by=actor.id, requested_at=utcnow(), status="queued")
                .returning(*data_exports.c)
            )
        ).one()
        await audit.record(
            tx,
            actor,
            "user.exported",
            "user",
            user_id,
            org_ids=[chain[0] for chain in chains],
            details={"export_id": row.id},
        )
    return to_wire(row)


async def get(services: Services, actor: Actor, export_id: int) -> Any:
    """An export, for its requester only (404 alike for everyone else)."""
    async with services.db.read() as conn:
        row = (
            await conn.execute(
                select(data_exports).where(
                    data_exports.c.id == export_id, data_exports.c.requested_by == actor.id
                )
            )
        ).first()
    if row is None:
        raise not_found("export")
    return row


def require_downloadable(row: Any, now: datetime) -> None:
    if row.status == "expired" or (row.expires_at is not None and row.expires_at <= now):
        raise ApiError(410, "export_expired", texts.export_expired())
    if row.status != "ready":
        raise ApiError(409, "export_not_ready", texts.export_not_ready(), {"status": row.status})


async def build_next(services: Services) -> int:
    """Claim and build one queued export; 1 when one was built (or failed), 0 when none was waiting."""
    async with services.db.write() as tx:
        queued: int | None = (
            await tx.conn.execute(
                select(data_exports.c.id)
                .where(data_exports.c.status == "queued")
                .order_by(data_exports.c.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if queued is None:
            return 0
        claimed: int | None = (
            await tx.conn.execute(
                update(data_exports)
                .where(data_exports.c.id == queued, data_exports.c.status == "queued")
                .values(status="running", progress=10)
                .returning(data_exports.c.user_id)
            )
        ).scalar_one_or_none()
    if claimed is None:
        return 0
    store = attachment_actions.storage(services)
    key = new_key()
    try:
        async with services.db.read() as conn:
            doc, files = await export.document(conn, claimed)
        await _progress(services, queued, 50)
        with export.spool() as out:
            await export.write_zip(out, doc, files, store)
            size = await store.save(key, export.chunks_of(out))
    except Exception:
        await store.delete(key)
        await _finish(services, queued, status="failed")
        raise
    await _finish(
        services,
        queued,
        status="ready",
        storage_key=key,
        size=size,
        expires_at=utcnow() + timedelta(hours=services.settings.export_download_hours),
    )
    return 1


async def _progress(services: Services, export_id: int, percent: int) -> None:
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(data_exports).where(data_exports.c.id == export_id).values(progress=percent)
        )


async def _finish(services: Services, export_id: int, **values: Any) -> None:
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(data_exports)
            .where(data_exports.c.id == export_id)
            .values(progress=100, finished_at=utcnow(), **values)
        )


async def build_all(services: Services) -> int:
    built = 0
    while await build_next(services):
        built += 1
    return built


async def discard_of(tx: Tx, services: Services, user_id: int) -> None:
    """A person's erasure ends every export of their data: none is built any more, and stored zips are deleted
    once ``tx`` has committed."""
    attachment_writes.delete_bytes_after_commit(
        tx,
        services,
        [
            key
            for key in (
                await tx.conn.execute(
                    update(data_exports)
                    .where(
                        data_exports.c.user_id == user_id,
                        data_exports.c.status.in_(("queued", "running", "ready")),
                    )
                    .values(status="expired")
                    .returning(data_exports.c.storage_key)
                )
            ).scalars()
            if key
        ],
    )


async def delete_expired(services: Services, *, now: datetime | None = None) -> int:
    """Delete the zips whose download link has expired (rows stay, marked expired, for the record)."""
    async with services.db.write() as tx:
        keys = (
            (
                await tx.conn.execute(
                    update(data_exports)
                    .where(data_exports.c.status == "ready", data_exports.c.expires_at <= (now or utcnow()))
                    .values(status="expired")
                    .returning(data_exports.c.storage_key)
                )
            )
            .scalars()
            .all()
        )
    store = attachment_actions.storage(services)
    for key in keys:
        await store.delete(key)
    return len(keys)
