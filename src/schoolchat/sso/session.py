"""The signed cookie that carries a login in progress (state, nonce, PKCE verifier) from the redirect to the
provider back to the callback: Starlette's SessionMiddleware, which Authlib's Starlette client stores them in.

It wraps only the ``/sso/`` routes, and its cookie is scoped to that path: every other request (the API's hot
path) neither pays for decoding it nor carries it.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/sso/"
COOKIE = "schoolchat_sso"
MAX_AGE_SECONDS = 600  # a login must come back from the provider within this long


class LoginStateSessions:
    def __init__(self, app: ASGIApp, *, secret_key: str, https_only: bool) -> None:
        self.app = app
        # A key of its own, so the login cookie's signature can never pass for any other signed value.
        key = hmac.new(secret_key.encode(), b"schoolchat sso login state", hashlib.sha256).hexdigest()
        self.sessions = SessionMiddleware(
            app,
            secret_key=key,
            session_cookie=COOKIE,
            max_age=MAX_AGE_SECONDS,
            path=PREFIX.rstrip("/"),
            same_site="lax",
            https_only=https_only,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            await self.sessions(scope, receive, send)
        else:
            await self.app(scope, receive, send)
