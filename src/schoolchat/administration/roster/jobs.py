"""The state of roster uploads imported in the background (``roster_jobs``): starting one, its progress, its end.

One job runs per org at a time: the partial unique index on running jobs refuses a second (409), also when two
uploads race in two processes. A job belongs to the process that holds its unpacked files; every batch it writes
moves ``heartbeat_at``. When a process stops mid-import (a crash, a restart), the job's heartbeat stops with it,
and after ``STALE_AFTER`` it is marked failed (by every process's housekeeping, and before a new upload for the
org). It is not resumed: the upload lived in that process's folder, and importing is idempotent, so uploading the
same roster again finishes the work and repeats nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from schoolchat.administration.roster.apply import Imported
from schoolchat.administration.roster.models import RUNNING, roster_jobs
from schoolchat.administration.roster.texts import INTERRUPTED
from schoolchat.db.engine import is_unique_violation
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError
from schoolchat.policy import texts
from schoolchat.services import Services

STALE_AFTER = timedelta(seconds=60)
MAX_REPORTED_ERRORS = 1000  # the error report keeps the first ones; error_count has them all


async def fail_stale(services: Services, org_id: int | None = None) -> int:
    """Mark failed the running jobs whose process stopped moving them; returns how many."""
    now = utcnow()
    query = update(roster_jobs).where(
        roster_jobs.c.status.in_(RUNNING), roster_jobs.c.heartbeat_at < now - STALE_AFTER
    )
    if org_id is not None:
        query = query.where(roster_jobs.c.org_id == org_id)
    async with services.db.write() as tx:
        result = await tx.conn.execute(query.values(status="failed", failure=INTERRUPTED, finished_at=now))
    return result.rowcount or 0


def already_running() -> ApiError:
    return ApiError(409, "roster_import_running", texts.roster_import_running(), {})


async def start(services: Services, org_id: int, by: int, filename: str) -> Any:
    """A new running job for the org, or 409 while another one runs there."""
    await fail_stale(services, org_id)
    now = utcnow()
    try:
        async with services.db.write() as tx:
            job_id = (
                await tx.conn.execute(
                    insert(roster_jobs)
                    .values(
                        org_id=org_id,
                        created_by=by,
                        filename=filename[:255],
                        status="validating",
                        created_at=now,
                        heartbeat_at=now,
                    )
                    .returning(roster_jobs.c.id)
                )
            ).scalar_one()
            return (await tx.conn.execute(select(roster_jobs).where(roster_jobs.c.id == job_id))).one()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise already_running() from exc
        raise


class JobLost(Exception):
    """The job is no longer running (it was marked failed as stale): its import must stop writing."""


async def record_progress(
    services: Services, job_id: int, *, written: int | None = None, validated: int | None = None
) -> None:
    """Progress, which is also the job's heartbeat; ``JobLost`` when the job was given up meanwhile."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if validated is not None:
        values.update(status="writing", rows_total=validated, rows_validated=validated)
    if written is not None:
        values["rows_written"] = written
    async with services.db.write() as tx:
        moved = await tx.conn.execute(
            update(roster_jobs)
            .where(roster_jobs.c.id == job_id, roster_jobs.c.status.in_(RUNNING))
            .values(**values)
        )
    if not moved.rowcount:
        raise JobLost(job_id)


async def finish(services: Services, job_id: int, result: Imported) -> None:
    """The job's outcome: the error report (nothing was written), or what the import created and changed.
    A job given up meanwhile keeps its failure."""
    values: dict[str, Any] = {"finished_at": utcnow(), "heartbeat_at": utcnow()}
    if result.ok:
        values.update(
            status="done",
            summary={
                "created": dict(result.created),
                "updated": dict(result.updated),
                "deactivated": dict(result.deactivated),
                "skipped_guardians": result.skipped_guardians,
            },
        )
    else:
        values.update(
            status="failed",
            error_count=len(result.errors),
            errors=[
                {"file": e.file, "line": e.line, "column": e.column, "code": e.code, "params": e.params}
                for e in result.errors[:MAX_REPORTED_ERRORS]
            ],
        )
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(roster_jobs)
            .where(roster_jobs.c.id == job_id, roster_jobs.c.status.in_(RUNNING))
            .values(**values)
        )


async def fail(services: Services, job_id: int, failure: str) -> None:
    """Mark the job failed for ``failure``, a code of ``administration.roster.texts`` (written as a sentence when read)."""
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(roster_jobs)
            .where(roster_jobs.c.id == job_id, roster_jobs.c.status.in_(RUNNING))
            .values(status="failed", failure=failure, finished_at=utcnow())
        )
