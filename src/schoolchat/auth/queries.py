"""Who is calling: checking a presented token and loading the actor behind it."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.auth.actor import Actor
from schoolchat.auth.cache import ActorCache
from schoolchat.auth.models import auth_tokens
from schoolchat.db import Database
from schoolchat.db.prepared import Prepared, together
from schoolchat.db.types import utcnow
from schoolchat.people.languages import nearest_default_language
from schoolchat.people.models import org_roles, users
from schoolchat.people.reach import ORGS_OF_PERSON, OrgTree


def token_hash(secret_key: str, token: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


_PERSON = Prepared(
    select(
        users.c.id,
        users.c.username,
        users.c.name,
        users.c.mass_messaging,
        users.c.is_active,
        users.c.avatar_url,
        users.c.language,
        users.c.messaging_disabled,
    ).where(users.c.id == bindparam("user_id"))
)
_ROLES = Prepared(
    select(org_roles.c.org_id, org_roles.c.role).where(org_roles.c.user_id == bindparam("user_id"))
)
_TOKEN = Prepared(
    select(auth_tokens.c.id, auth_tokens.c.user_id, auth_tokens.c.csrf_token, auth_tokens.c.expires_at).where(
        auth_tokens.c.token_hash == bindparam("token_hash"),
        auth_tokens.c.kind == bindparam("kind"),
        auth_tokens.c.revoked_at.is_(None),
    )
)


async def load_actor(
    conn: AsyncConnection, user_id: int, *, token_id: int | None = None, via_cookie: bool = False
) -> Actor | None:
    """The actor of an active person, from three statements sent together (one round trip on PostgreSQL): a token
    not in the actor cache costs this and the token's lookup (auth/cache.py)."""
    params = {"user_id": user_id}
    found, roles, held = await together(conn, (_PERSON, params), (_ROLES, params), (ORGS_OF_PERSON, params))
    if not found or not found[0].is_active:
        return None
    user = found[0]
    role_of = {row.org_id: row.role for row in roles}
    tree = OrgTree.of(held)
    # Their school is the first org they hold a role in, as people.languages.language_settings_of has it.
    school_language = (
        nearest_default_language({o.id: (o.parent_id, o.default_language) for o in held}, min(role_of))
        if role_of
        else None
    )
    return Actor(
        user.id,
        user.username,
        user.name,
        bool(user.messaging_disabled) or any(tree.is_disabled(org_id) for org_id in role_of),
        user.mass_messaging,
        role_of,
        user.avatar_url,
        token_id,
        via_cookie,
        user.language,
        school_language,
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
        row = await _TOKEN.first(conn, token_hash=key[0], kind=kind)
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
