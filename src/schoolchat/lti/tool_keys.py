"""The tool's own key pair: made by schoolchat the first time it is needed and kept in the database (every process on
every host shares it), never shipped with the code. Its public half is the tool's JWKS, which platforms fetch to
check what the tool signs (LTI Advantage service requests, deep-linking answers)."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from joserfc.jwk import RSAKey
from sqlalchemy import insert, select

from schoolchat.db import Database
from schoolchat.db.types import utcnow
from schoolchat.lti.models import lti_tool_keys

KEY_BITS = 2048  # RS256 with at least 2048-bit keys (Security Framework §6.1)
_making = asyncio.Lock()


async def _stored(db: Database) -> list[RSAKey]:
    async with db.read() as conn:
        rows = (
            (
                await conn.execute(
                    select(lti_tool_keys.c.private_jwk).order_by(lti_tool_keys.c.created_at.desc())
                )
            )
            .scalars()
            .all()
        )
    return [RSAKey.import_key(json.loads(row)) for row in rows]


async def tool_keys(db: Database) -> list[RSAKey]:
    """The tool's keys, newest first; the first call on a new installation makes one. Two processes racing make two
    keys, both published: harmless, the newest signs."""
    keys = await _stored(db)
    if keys:
        return keys
    async with _making:
        keys = await _stored(db)
        if keys:
            return keys
        kid = secrets.token_urlsafe(12)
        key = await asyncio.to_thread(
            RSAKey.generate_key, KEY_BITS, {"kid": kid, "use": "sig", "alg": "RS256"}, True
        )
        async with db.write() as tx:
            await tx.conn.execute(
                insert(lti_tool_keys).values(
                    kid=kid, private_jwk=json.dumps(key.as_dict(private=True)), created_at=utcnow()
                )
            )
        return [key]


async def public_key_set(db: Database) -> dict[str, Any]:
    return {"keys": [key.as_dict(private=False) for key in await tool_keys(db)]}
