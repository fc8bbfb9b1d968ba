"""Who is calling: checking a presented token and loading the actor behind it."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.auth.actor import Actor
from schoolchat.auth.cache import ActorCache
from schoolchat.auth.models import auth_tokens
from schoolchat.db import Database
from schoolchat.db.types import utcnow
from schoolchat.people.languages import language_settings_of
from schoolchat.people.models import org_roles, users
from schoolchat.people.reach import is_disabled


def token_hash(secret_key: str, token: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


async def load_actor(
    conn: AsyncConnection, user_id: int, *, token_id: int | None = None, via_cookie: bool = False
) -> Actor | None:
    user = (
        await conn.execute(
            select(
                users.c.id,
                users.c.username,
                users.c.name,
                users.c.mass_messaging,
                users.c.is_active,
                users.c.avatar_url,
            ).where(users.c.id == user_id)
        )
    ).first()
    if user is None or not user.is_active:
        return None
    roles = dict(
        (
            await conn.execute(
                select(org_roles.c.org_id, org_roles.c.role).where(org_roles.c.user_id == user_id)
            )
        ).all()
    )
    languages = (await language_settings_of(conn, [user.id]))[user.id]
    return Actor(
        user.id,
        user.username,
        user.name,
        await is_disabled(conn, user.id),
        user.mass_messaging,
        roles,
        user.avatar_url,
        token_id,
        via_cookie,
        languages.setting,
        languages.school_default,
    )


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    csrf_token: str | None


async def authenticate(
    db: Database, secret_key: str, token: str, *, via_cookie: bool, cache: ActorCache | None = None
) -> Authenticated | None:
    """The actor behind a raw token, or None when it is unknown, expired, revoked or of the wrong kind.

    With a ``cache`` (see auth/cache.py), a token seen in the last seconds is answered without a query."""
    kind = "session" if via_cookie else "bearer"
    key = (token_hash(secret_key, token), via_cookie)
    if cache is not None and (cached := cache.get(key)) is not None:
        return cached
    generation = cache.generation if cache is not None else 0
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(
                    auth_tokens.c.id,
                    auth_tokens.c.user_id,
                    auth_tokens.c.csrf_token,
                    auth_tokens.c.expires_at,
                ).where(
                    auth_tokens.c.token_hash == key[0],
                    auth_tokens.c.kind == kind,
                    auth_tokens.c.revoked_at.is_(None),
                )
            )
        ).first()
        if row is None or row.expires_at <= utcnow():
            return None
        actor = await load_actor(conn, row.user_id, token_id=row.id, via_cookie=via_cookie)
    if actor is None:
        return None
    found = Authenticated(actor, row.csrf_token)
    if cache is not None:
        cache.put(key, found, row.id, row.expires_at, generation)
    return found


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given and hmac.compare_digest(expected, given))
