"""Appending to the audit log: who did what, when, to what, and why. Rows are never changed or removed.

A building block of every domain's administrative actions (conversations, people, sso, lti, privacy, …), so it
sits beside them rather than inside ``moderation``, which reads the log (its tables are in ``moderation.models``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import insert

from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.moderation.models import audit_log, audit_log_orgs


class Acting(Protocol):
    """Who acted, as the log records them: an ``auth.actor.Actor`` is one. Typed by shape, so that the audit log,
    which sign-in writes too, imports nothing of ``auth``."""

    @property
    def id(self) -> int: ...

    @property
    def roles(self) -> Mapping[int, str]: ...


async def record(
    tx: Tx,
    actor: Acting | None,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    org_ids: Iterable[int],
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Append one row, readable by the admins of ``org_ids`` (the actor's own orgs are always added)."""
    audit_id: int = (
        await tx.conn.execute(
            insert(audit_log)
            .values(
                at=utcnow(),
                actor_id=actor.id if actor else None,
                action=action,
                object_type=object_type,
                object_id=object_id,
                reason=reason,
                details=details or {},
            )
            .returning(audit_log.c.id)
        )
    ).scalar_one()
    orgs = sorted(set(org_ids) | set(actor.roles if actor else ()))
    if orgs:
        await tx.conn.execute(insert(audit_log_orgs), [{"audit_id": audit_id, "org_id": org} for org in orgs])
    return audit_id
