"""Who is opening the hub, and from which page.

The official clients send the bearer token as ``access_token`` in the query string on the WebSocket (browsers
cannot set headers there) and as an Authorization header on negotiate; browsers also send the session cookie.
Because the cookie rides along on any page's WebSocket, the Origin header is checked against the service's own
origin and the configured allowlist (cross-site WebSocket hijacking). Non-browser clients send no Origin.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from starlette.requests import HTTPConnection

from schoolchat.auth.actor import Actor
from schoolchat.auth.deps import SESSION_COOKIE
from schoolchat.auth.models import auth_tokens
from schoolchat.auth.queries import authenticate
from schoolchat.db import Database
from schoolchat.services import Services


def origin_allowed(conn: HTTPConnection, allowed: list[str]) -> bool:
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    if origin.rstrip("/") in {entry.rstrip("/") for entry in allowed}:
        return True
    return urlsplit(origin).netloc.lower() == conn.headers.get("host", "").lower()


def _presented(conn: HTTPConnection) -> tuple[str, bool] | None:
    """The raw token and whether it is the session cookie: query ``access_token``, then bearer header, then cookie."""
    token = conn.query_params.get("access_token")
    if token:
        return token, False
    scheme, _, value = conn.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = conn.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else None


async def hub_actor(conn: HTTPConnection, services: Services) -> Actor | None:
    presented = _presented(conn)
    if presented is None:
        return None
    token, via_cookie = presented
    found = await authenticate(services.db, services.settings.secret_key, token, via_cookie=via_cookie)
    return found.actor if found else None


async def credential_expiry(services: Services, token_id: int | None) -> datetime | None:
    """When the credential a socket opened with runs out; the hub closes the socket then."""
    if token_id is None:
        return None
    async with services.db.read() as conn:
        return (
            await conn.execute(select(auth_tokens.c.expires_at).where(auth_tokens.c.id == token_id))
        ).scalar_one_or_none()


async def revoked_tokens(db: Database, token_ids: Collection[int]) -> set[int]:
    """Which of these credentials were revoked, by any process (the command line and a roster import
    included, which publish on no bus this one hears)."""
    wanted, revoked = sorted(token_ids), set[int]()
    if not wanted:
        return revoked
    async with db.read() as conn:
        for chunk in range(0, len(wanted), 500):
            revoked.update(
                (
                    await conn.execute(
                        select(auth_tokens.c.id).where(
                            auth_tokens.c.id.in_(wanted[chunk : chunk + 500]),
                            auth_tokens.c.revoked_at.is_not(None),
                        )
                    )
                ).scalars()
            )
    return revoked
