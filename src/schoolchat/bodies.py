"""Request bodies: the caller is known before a byte of the body is read, and bodies are capped as they arrive.

FastAPI reads and parses a route's whole body before it solves the route's dependencies, so an anonymous client
could make the process read and parse a 100 MB JSON document before its 401. This ASGI wrapper runs first:
- a request with a body to an authenticated route (``/api/…`` other than logging in) is authenticated from its
  headers alone (the same ``current_actor``, whose answer the route then finds in the actor cache), and a
  401 (or CSRF 403) is answered without reading the body;
- a body larger than ``max_json_body_bytes`` is refused with 413 in the one error shape: at once when
  ``Content-Length`` says so, else as soon as the chunks received pass it. Routes that stream a body against a
  limit of their own (uploads) are left to it.
FastAPI's own ``max_body_size`` answers in plain text, outside the one error shape, hence this.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schoolchat.auth.deps import current_actor
from schoolchat.errors import ApiError, response_for
from schoolchat.ratelimit import texts

PUBLIC_PATHS = frozenset({"/api/auth/login", "/api/auth/tokens"})  # where a body comes before any credential
TOO_LARGE = "body_too_large"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the chunks pass the cap; answered in the one error shape (errors.py)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, texts.body_too_large(max_bytes))


class BodyGuard:
    def __init__(self, app: ASGIApp, max_bytes: int, own_limits: Collection[str]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.own_limits = frozenset(own_limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if (declared is None or declared == "0") and "transfer-encoding" not in headers:
            return await self.app(scope, receive, send)  # no body
        path: str = scope["path"]
        if path.startswith("/api/") and path not in PUBLIC_PATHS:
            try:
                await current_actor(Request(scope))
            except ApiError as exc:
                return await _answer(scope, send, exc)
        if path in self.own_limits:
            return await self.app(scope, receive, send)
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _answer(scope, send, ApiError(413, TOO_LARGE, texts.body_too_large(self.max_bytes)))
        await self.app(scope, self._capped(receive), send)

    def _capped(self, receive: Receive) -> Receive:
        received = 0

        async def capped() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        return capped


async def _answer(scope: Scope, send: Send, error: ApiError) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response_for(error)(scope, nothing, send)
