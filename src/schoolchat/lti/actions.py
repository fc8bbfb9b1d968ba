"""Writes of the LTI tool: registering platforms (admins, audit-logged), a login initiation's state, and the launch
that signs a person in."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from schoolchat import audit
from schoolchat.auth.actions import IssuedToken, insert_token
from schoolchat.auth.actor import Actor
from schoolchat.db import Tx
from schoolchat.db.engine import is_unique_violation
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError, not_found
from schoolchat.lti import texts
from schoolchat.lti.claims import Registration
from schoolchat.lti.models import lti_launch_states, lti_platforms
from schoolchat.lti.refusals import LaunchRefused
from schoolchat.people.queries import require_administered
from schoolchat.services import Services

STATE_LIFETIME = timedelta(minutes=10)
MAX_WAITING_LAUNCHES = 5_000  # per platform: login initiations are anonymous, so their rows are bounded
AUDITED_FIELDS = (
    "name",
    "issuer",
    "client_id",
    "deployment_ids",
    "jwks_url",
    "auth_login_url",
    "auth_token_url",
    "id_source",
    "frame_origins",
)


# ---- registrations (admins) ------------------------------------------------------------------------------------


async def _platform_in_reach(tx: Tx, actor: Actor, platform_id: int) -> Any:
    row = (
        await tx.conn.execute(select(lti_platforms.c.org_id).where(lti_platforms.c.id == platform_id))
    ).first()
    if row is None:
        raise not_found("platform")
    await require_administered(tx.conn, actor.roles, row.org_id, "platform")
    return row


def _conflict(exc: IntegrityError) -> Exception:
    """Another registration holds the issuer and client id; any other integrity error stays what it is."""
    if is_unique_violation(exc):
        return ApiError(409, "platform_exists", texts.platform_exists(), {"fields": ["issuer", "client_id"]})
    return exc


async def register_platform(services: Services, actor: Actor, org_id: int, fields: dict[str, Any]) -> int:
    now = utcnow()
    async with services.db.write() as tx:
        await require_administered(tx.conn, actor.roles, org_id)
        try:
            async with tx.conn.begin_nested():
                platform_id: int = (
                    await tx.conn.execute(
                        insert(lti_platforms)
                        .values(org_id=org_id, created_at=now, updated_at=now, **fields)
                        .returning(lti_platforms.c.id)
                    )
                ).scalar_one()
        except IntegrityError as exc:
            raise _conflict(exc) from exc
        await audit.record(
            tx,
            actor,
            "lti_platform.registered",
            "lti_platform",
            platform_id,
            org_ids=[org_id],
            details={key: fields[key] for key in AUDITED_FIELDS if key in fields},
        )
        return platform_id


async def change_platform(
    services: Services, actor: Actor, platform_id: int, changes: dict[str, Any]
) -> None:
    async with services.db.write() as tx:
        row = await _platform_in_reach(tx, actor, platform_id)
        if not changes:
            return
        try:
            async with tx.conn.begin_nested():
                await tx.conn.execute(
                    update(lti_platforms)
                    .where(lti_platforms.c.id == platform_id)
                    .values(updated_at=utcnow(), **changes)
                )
        except IntegrityError as exc:
            raise _conflict(exc) from exc
        await audit.record(
            tx,
            actor,
            "lti_platform.changed",
            "lti_platform",
            platform_id,
            org_ids=[row.org_id],
            details=changes,
        )


async def remove_platform(services: Services, actor: Actor, platform_id: int) -> None:
    """Launches from it stop at once; the sessions they made end as usual (logout or expiry)."""
    async with services.db.write() as tx:
        row = await _platform_in_reach(tx, actor, platform_id)
        await tx.conn.execute(delete(lti_platforms).where(lti_platforms.c.id == platform_id))
        await audit.record(
            tx, actor, "lti_platform.removed", "lti_platform", platform_id, org_ids=[row.org_id]
        )


# ---- launches --------------------------------------------------------------------------------------------------


async def begin_launch(services: Services, registration: Registration) -> tuple[str, str]:
    """Remember a login initiation: answers its ``state`` and ``nonce``. Expired states of the platform go first."""
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    async with services.db.write() as tx:
        await tx.conn.execute(
            delete(lti_launch_states).where(
                lti_launch_states.c.platform_id == registration.id, lti_launch_states.c.expires_at <= now
            )
        )
        waiting = (
            await tx.conn.execute(
                select(func.count())
                .select_from(lti_launch_states)
                .where(lti_launch_states.c.platform_id == registration.id)
            )
        ).scalar_one()
        if waiting >= MAX_WAITING_LAUNCHES:
            raise LaunchRefused(429, "too_many_launches", texts.too_many_launches())
        await tx.conn.execute(
            insert(lti_launch_states).values(
                state=state, platform_id=registration.id, nonce=nonce, expires_at=now + STATE_LIFETIME
            )
        )
    return state, nonce


async def use_state(services: Services, state: str) -> tuple[int, str]:
    """Take a login initiation's state for its launch, once: answers (platform id, nonce)."""
    now = utcnow()
    async with services.db.write() as tx:
        taken = (
            await tx.conn.execute(
                update(lti_launch_states)
                .where(
                    lti_launch_states.c.state == state,
                    lti_launch_states.c.used_at.is_(None),
                    lti_launch_states.c.expires_at > now,
                )
                .values(used_at=now)
                .returning(lti_launch_states.c.platform_id, lti_launch_states.c.nonce)
            )
        ).first()
        if taken is not None:
            return taken.platform_id, taken.nonce
        used = (
            await tx.conn.execute(
                select(lti_launch_states.c.used_at).where(lti_launch_states.c.state == state)
            )
        ).scalar()
    if used is not None:
        raise LaunchRefused(400, "launch_replayed", texts.launch_replayed())
    raise LaunchRefused(400, "launch_expired", texts.launch_expired())


async def sign_in(services: Services, user_id: int) -> IssuedToken:
    """A session for a person a verified launch named; framed sessions last ``lti_session_hours``."""
    async with services.db.write() as tx:
        return await insert_token(
            tx,
            services.settings.secret_key,
            user_id,
            kind="session",
            lifetime=timedelta(hours=services.settings.lti_session_hours),
        )


async def record_refusal(services: Services, registration: Registration, refusal: LaunchRefused) -> None:
    """What a verified platform sent that schoolchat refused, for the admins of the registration's org."""
    async with services.db.write() as tx:
        await audit.record(
            tx,
            None,
            "lti.launch_refused",
            "lti_platform",
            registration.id,
            org_ids=[registration.org_id],
            reason=refusal.code,
            details=refusal.details,
        )
