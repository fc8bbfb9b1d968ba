"""Issuing and revoking credentials (session cookies and bearer tokens).

Tokens are random; the database keeps only HMAC-SHA256(secret key, token), so a leaked table grants nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update

from schoolchat.auth import texts as auth_texts
from schoolchat.auth.models import auth_tokens
from schoolchat.auth.passwords import verify_off_loop
from schoolchat.auth.queries import token_hash
from schoolchat.db import Database, Tx
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError
from schoolchat.people.models import users
from schoolchat.policy.decision import require
from schoolchat.realtime import log
from schoolchat.realtime.events import EventType
from schoolchat.realtime.schemas import SessionEnded
from schoolchat.sso import queries as sso_queries


@dataclass(frozen=True)
class IssuedToken:
    token: str
    csrf_token: str | None
    user_id: int
    token_id: int


async def issue_token(
    db: Database,
    secret_key: str,
    username: str,
    password: str,
    *,
    kind: str,
    lifetime: timedelta,
    hash_concurrency: int,
) -> IssuedToken:
    """Check a username and password and hand out a new credential of ``kind`` ("session" or "bearer").

    Refused, once the password is known to be right, for a person whose school signs them in with its identity
    provider and switched password login off (sso/policy.py)."""
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(users.c.id, users.c.password_hash, users.c.is_active).where(
                    users.c.username == username
                )
            )
        ).first()
    matches = await verify_off_loop(
        row.password_hash if row else None, password, concurrency=hash_concurrency
    )
    if not matches or not row or not row.is_active:
        raise ApiError(401, "invalid_credentials", auth_texts.invalid_credentials())
    async with db.read() as conn:
        require(await sso_queries.password_login(conn, row.id))
    async with db.write() as tx:
        return await insert_token(tx, secret_key, row.id, kind=kind, lifetime=lifetime)


async def insert_token(
    tx: Tx, secret_key: str, user_id: int, *, kind: str, lifetime: timedelta
) -> IssuedToken:
    """Store a new random credential for a user whose identity is already established."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    now = utcnow()
    token_id = (
        await tx.conn.execute(
            insert(auth_tokens)
            .values(
                token_hash=token_hash(secret_key, token),
                user_id=user_id,
                kind=kind,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + lifetime,
            )
            .returning(auth_tokens.c.id)
        )
    ).scalar_one()
    return IssuedToken(token, csrf, user_id, token_id)


async def revoke(db: Database, token_id: int) -> None:
    """Revoke a credential; the hub closes the sockets it opened (in every process) when the event arrives."""
    async with db.write() as tx:
        await _revoke_where(tx, auth_tokens.c.id == token_id)


async def revoke_all(tx: Tx, user_id: int) -> None:
    """End every session of a person (deactivated, or given a new password): their sockets close too."""
    await _revoke_where(tx, auth_tokens.c.user_id == user_id)


async def _revoke_where(tx: Tx, condition: Any) -> None:
    ended = (
        await tx.conn.execute(
            update(auth_tokens)
            .where(condition, auth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .returning(auth_tokens.c.id, auth_tokens.c.user_id)
        )
    ).all()
    for token_id, user_id in ended:
        await log.append(tx, EventType.SESSION_ENDED, SessionEnded(token_id=token_id), user_id=user_id)
