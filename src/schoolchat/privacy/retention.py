"""Retention (issue 16): an org's periods, the dry run, and the run that removes what they no longer keep.

A run covers an org and every org below it. It is a durable row (``retention_runs``) judged ``as_of`` the moment it
started, with what its dry run counted (``planned``); the job (``continue_runs``, in every process's privacy
round) removes messages ``BATCH`` per transaction through ``messages.erasure.erase`` — the one path that takes
content out of every copy — then the closed reports whose period and legal hold have passed, and records a
summary in the audit log. A batch picks only messages that still have content, so a process that stops leaves the
rest to the next round, and two processes working on one run remove nothing twice (each batch claims the run's
row, ``jobs.claim_unfinished``). The daily round (``daily``) starts a run over every top org that had none for a
day; the check and the start are one transaction holding the org's row, so two processes' daily rounds start one
run, not two.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from schoolchat import audit
from schoolchat.attachments import writes as attachment_writes
from schoolchat.attachments.models import evidence_attachments
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError
from schoolchat.messages import erasure
from schoolchat.moderation.models import reports
from schoolchat.people import queries as people_queries
from schoolchat.people.models import orgs
from schoolchat.people.reach import org_tree
from schoolchat.policy.decision import require
from schoolchat.policy.retention import Kind, in_force, may_run
from schoolchat.privacy import jobs, texts
from schoolchat.privacy import retention_queries as queries
from schoolchat.privacy.models import retention_runs, retention_settings
from schoolchat.services import Services
from schoolchat.wire import timestamp

BATCH = 500  # messages (or reports) removed per transaction of the job
DAILY = timedelta(hours=23)  # the daily round starts no run over an org that had one this recently


async def settings_of(services: Services, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    """The period in force for each kind in an org, and where it comes from: this org, an org above it, or
    nobody (kept)."""
    async with services.db.read() as conn:
        await people_queries.require_administered(conn, actor.roles, org_id)
        tree = await org_tree(conn)
        settings = await queries.settings_by_org(conn)
    answer = []
    for kind in Kind:
        found = in_force(tree.chain(org_id), settings, kind)
        answer.append(
            {
                "kind": str(kind),
                "days": found.days,
                "set_by_org_id": found.set_by,
                "source": "default"
                if found.set_by is None
                else "this org"
                if found.set_by == org_id
                else "inherited",
            }
        )
    return answer


async def set_settings(
    services: Services, actor: Actor, org_id: int, settings: list[tuple[str, int | None]]
) -> None:
    """Replace an org's own periods; the kinds left out follow the org above it (audited)."""
    async with services.db.write() as tx:
        await people_queries.require_administered(tx.conn, actor.roles, org_id)
        await tx.conn.execute(delete(retention_settings).where(retention_settings.c.org_id == org_id))
        if settings:
            await tx.conn.execute(
                insert(retention_settings),
                [{"org_id": org_id, "kind": kind, "days": days} for kind, days in settings],
            )
        await audit.record(
            tx,
            actor,
            "retention.changed",
            "org",
            org_id,
            org_ids=[org_id],
            details={"settings": {kind: days for kind, days in settings}},
        )


async def dry_run(services: Services, actor: Actor, org_id: int) -> dict[str, int]:
    """What a run over the org would remove now: messages per conversation kind, and closed reports."""
    async with services.db.read() as conn:
        await people_queries.require_administered(conn, actor.roles, org_id)
        policies = await queries.policies(conn)
        return await queries.counts(
            conn, queries.run_over(policies, org_id, utcnow(), services.settings.legal_hold_days)
        )


async def start_run(
    services: Services, actor: Actor, org_id: int, *, confirmed: bool, reason: str | None
) -> dict[str, Any]:
    """Start a run over the org, for an admin of it who confirmed what goes."""
    async with services.db.write() as tx:
        await people_queries.require_administered(tx.conn, actor.roles, org_id)
        policies = await queries.policies(tx.conn)
        return await _start(tx, services, policies, actor, org_id, confirmed=confirmed, reason=reason)


async def _start(
    tx: Tx,
    services: Services,
    policies: queries.Policies,
    actor: Actor | None,
    org_id: int,
    *,
    confirmed: bool,
    reason: str | None,
    unless_since: datetime | None = None,
) -> dict[str, Any]:
    """The run's row and its audit entry, judged now. The org's row is locked first, so with ``unless_since``
    (the daily round) a second process starting the same org waits, sees the run, and starts none (``{}``)."""
    name = (
        await tx.conn.execute(select(orgs.c.name).where(orgs.c.id == org_id).with_for_update())
    ).scalar_one()
    if (
        unless_since is not None
        and (
            await tx.conn.execute(
                select(retention_runs.c.id)
                .where(retention_runs.c.org_id == org_id, retention_runs.c.requested_at > unless_since)
                .limit(1)
            )
        ).first()
    ):
        return {}
    now = utcnow()
    planned = await queries.counts(
        tx.conn, queries.run_over(policies, org_id, now, services.settings.legal_hold_days)
    )
    require(may_run(confirmed=confirmed, org_name=name, counts=planned))
    row = (
        await tx.conn.execute(
            insert(retention_runs)
            .values(
                org_id=org_id,
                requested_by=actor.id if actor else None,
                requested_at=now,
                as_of=now,
                planned=planned,
                removed={kind: 0 for kind in planned},
            )
            .returning(*retention_runs.c)
        )
    ).one()
    await audit.record(
        tx,
        actor,
        "retention.started",
        "org",
        org_id,
        org_ids=[org_id],
        reason=reason,
        details={"run_id": row.id, "planned": planned},
    )
    return to_wire(row)


async def run_of(services: Services, actor: Actor, org_id: int, run_id: int) -> dict[str, Any]:
    """A run over the org and its progress, for an admin of the org."""
    async with services.db.read() as conn:
        await people_queries.require_administered(conn, actor.roles, org_id)
        row = (
            await conn.execute(
                select(retention_runs).where(retention_runs.c.id == run_id, retention_runs.c.org_id == org_id)
            )
        ).first()
    if row is None:
        raise ApiError(404, "not_found", texts.retention_run_not_found(), {"object": "retention run"})
    return to_wire(row)


def to_wire(row: Any) -> dict[str, Any]:
    planned, removed = sum(row.planned.values()), sum(row.removed.values())
    return {
        "id": row.id,
        "org_id": row.org_id,
        "status": "finished" if row.finished_at else "running",
        "requested_at": timestamp(row.requested_at),
        "as_of": timestamp(row.as_of),
        "finished_at": timestamp(row.finished_at) if row.finished_at else None,
        "planned": row.planned,
        "removed": row.removed,
        "progress": 100 if row.finished_at or not planned else min(99, removed * 100 // planned),
    }


async def continue_runs(
    services: Services, *, batch_size: int = BATCH, policies: queries.Policies | None = None
) -> int:
    """Work on every unfinished run until it is done, ``batch_size`` per transaction, all judged by the periods
    as they were read at the start (``policies``, else now). Returns how many messages and reports were
    removed."""
    async with services.db.read() as conn:
        running = (
            (
                await conn.execute(
                    select(retention_runs.c.id)
                    .where(retention_runs.c.finished_at.is_(None))
                    .order_by(retention_runs.c.id)
                )
            )
            .scalars()
            .all()
        )
        if not running:  # the privacy round comes by often, and usually finds no run
            return 0
        policies = policies or await queries.policies(conn)
    removed = 0
    for run_id in running:
        while (done := await _batch(services, policies, run_id, batch_size)) is not None:
            removed += done
    return removed


async def _batch(services: Services, policies: queries.Policies, run_id: int, size: int) -> int | None:
    """Remove one batch of the run; None once the run is finished."""
    async with services.db.write() as tx:
        row = await jobs.claim_unfinished(tx, retention_runs, run_id)
        if row is None:
            return None
        run = queries.run_over(policies, row.org_id, row.as_of, services.settings.legal_hold_days)
        removed = dict(row.removed)
        ids = await queries.next_messages(tx.conn, run, size)
        if ids:
            for kind in await queries.kinds_of(
                tx.conn, list(await erasure.erase(tx, services, ids, by=None))
            ):
                removed[kind] = removed.get(kind, 0) + 1
        else:
            due = (await queries.reports_due(tx.conn, run))[:size]
            if not due:
                await _finish(tx, row)
                return None
            await _remove_reports(tx, services, due)
            removed["reports"] = removed.get("reports", 0) + len(due)
        await tx.conn.execute(
            update(retention_runs).where(retention_runs.c.id == run_id).values(removed=removed)
        )
        return int(sum(removed.values()) - sum(row.removed.values()))


async def _remove_reports(tx: Tx, services: Services, report_ids: list[int]) -> None:
    """Delete closed reports past their period and legal hold: their reason and frozen evidence go, and the
    evidence's files that no message or other report holds (their bytes once ``tx`` has committed)."""
    for report_id in report_ids:
        files = (
            (
                await tx.conn.execute(
                    select(evidence_attachments.c.attachment_id).where(
                        evidence_attachments.c.report_id == report_id
                    )
                )
            )
            .scalars()
            .all()
        )
        await attachment_writes.release_evidence(tx, services, report_id, list(files))
    await tx.conn.execute(delete(reports).where(reports.c.id.in_(report_ids)))


async def _finish(tx: Tx, row: Any) -> None:
    await tx.conn.execute(
        update(retention_runs).where(retention_runs.c.id == row.id).values(finished_at=utcnow())
    )
    await audit.record(
        tx,
        None,
        "retention.finished",
        "org",
        row.org_id,
        org_ids=[row.org_id],
        details={"run_id": row.id, "planned": row.planned, "removed": row.removed},
    )


async def daily(services: Services, *, now: datetime | None = None) -> int:
    """The daily round: start a run over every top org that has not had one for a day, and work on every
    unfinished run, all judged by the periods as they were read at its start. Returns how much was removed."""
    now = now or utcnow()
    async with services.db.read() as conn:
        policies = await queries.policies(conn)
        tops = (
            (await conn.execute(select(orgs.c.id).where(orgs.c.parent_id.is_(None)).order_by(orgs.c.id)))
            .scalars()
            .all()
        )
    for org_id in tops:
        async with services.db.write() as tx:
            await _start(
                tx, services, policies, None, org_id, confirmed=True, reason=None, unless_since=now - DAILY
            )
    return await continue_runs(services, policies=policies)
