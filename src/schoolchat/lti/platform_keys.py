"""Platforms' key sets, fetched over HTTP(S) from their JWKS URL and kept in this process.

A key set is fetched on the first launch from a platform and kept for ``MAX_AGE_SECONDS``; a launch signed with a
``kid`` the kept set does not hold fetches it again at once (the platform rotated its keys), but not more often
than ``min_refresh_seconds`` per URL, so forged tokens with made-up kids cannot make the service hammer a platform.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from schoolchat.lti import texts
from schoolchat.lti.refusals import LaunchRefused

MAX_AGE_SECONDS = 3600.0
MAX_BYTES = 256 * 1024
TIMEOUT_SECONDS = 5.0


@dataclass
class _Fetched:
    keys: KeySet
    kids: frozenset[str]
    at: float


class PlatformKeys:
    def __init__(self) -> None:
        self._sets: dict[str, _Fetched] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def key_set(self, url: str, kid: str | None, *, min_refresh_seconds: float) -> KeySet:
        """The platform's keys, holding ``kid`` if the platform publishes it (the caller's verification fails
        otherwise)."""
        kept = self._sets.get(url)
        if kept is not None and self._fits(kept, kid):
            return kept.keys
        async with self._locks.setdefault(url, asyncio.Lock()):
            kept = self._sets.get(url)  # another launch may have fetched it meanwhile
            if kept is not None and (
                self._fits(kept, kid) or time.monotonic() - kept.at < min_refresh_seconds
            ):
                return kept.keys
            fetched = await _fetch(url)
            self._sets[url] = fetched
            return fetched.keys

    @staticmethod
    def _fits(kept: _Fetched, kid: str | None) -> bool:
        fresh = time.monotonic() - kept.at < MAX_AGE_SECONDS
        return fresh and (kid is None or kid in kept.kids)


async def _fetch(url: str) -> _Fetched:
    unavailable = LaunchRefused(502, "platform_keys_unavailable", texts.keys_unavailable(), {"jwks_url": url})
    try:
        async with (
            httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as http,
            http.stream("GET", url, headers={"Accept": "application/json"}) as answer,
        ):
            if answer.status_code != 200:
                raise unavailable
            body = b""
            async for chunk in answer.aiter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise unavailable
        keys = KeySet.import_key_set(json.loads(body))
    except (httpx.HTTPError, ValueError, JoseError) as exc:
        raise unavailable from exc
    kids = frozenset(str(key.kid) for key in keys.keys if key.kid)
    return _Fetched(keys, kids, time.monotonic())


platform_keys = PlatformKeys()  # one per process: what it holds depends only on the URL
