"""Every request and hub connection starts in the language its ``Accept-Language`` asks for; signing in (auth.deps)
then switches it to the person's own."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from schoolchat.i18n.context import set_reader_language
from schoolchat.i18n.languages import DEFAULT_LANGUAGE, from_accept_language


def accept_language_of(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"accept-language":
            return str(value.decode("latin-1"))
    return None


class ReaderLanguage:
    """Pure ASGI (no task of its own), so the language it sets is the one the route and the error handlers see."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            set_reader_language(from_accept_language(accept_language_of(scope)) or DEFAULT_LANGUAGE)
        await self.app(scope, receive, send)
