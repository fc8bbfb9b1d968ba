"""Structured logs: one line per HTTP request (request id, user id, route template, status, duration), and every
other record of the process (uvicorn's included) through the same formatter, which removes secrets first.

JSON lines in production; readable, coloured lines in a terminal and in the demo (``SCHOOLCHAT_LOG_FORMAT``).
Records of the standard library's ``logging`` (modules keep ``logging.getLogger(__name__)``; uvicorn) are rendered by
structlog's formatter at the handler. The access line, written on every request, skips ``logging`` (a LogRecord,
the caller's frame, a copy for the formatter: half its cost) and goes straight to a structlog logger with the same
processors; below ``SCHOOLCHAT_LOG_LEVEL``, or before ``configure``, it is not built at all.

Secrets: the access line holds no query string, header or body at all. Other records may quote a URL (uvicorn
writes ``WebSocket /hubs/messages?access_token=…`` when a hub connects: SignalR clients put the token there) or a
header, so every line is scrubbed: ``access_token=``, ``password=``, … values, ``Bearer``/``Basic`` credentials,
the session cookie, and any field named like a secret become ``[redacted]``.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
import sys
import time
from collections.abc import MutableMapping
from typing import Any, Literal

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "schoolchat.access"
REQUEST_ID_HEADER = "x-request-id"
REDACTED = "[redacted]"
LogFormat = Literal["auto", "json", "console"]

_SECRET_NAMES = r"access_token|token|password|passwd|secret|csrf_token|api_key|schoolchat_session"
# name=value in query strings, cookies and form bodies; "name": "value" in JSON; credentials after their scheme
_SECRET_TEXT = re.compile(
    rf"(?P<name>(?:{_SECRET_NAMES})=)[^&;\s\"']+"
    rf"|(?P<json>\"(?:{_SECRET_NAMES})\"\s*:\s*\")[^\"]*"
    r"|(?P<scheme>\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+",
    re.IGNORECASE,
)
_SECRET_KEY = re.compile(
    rf"^(?:{_SECRET_NAMES}|authorization|cookie|set-cookie|x-csrf-token)$", re.IGNORECASE
)
# A request id from the proxy in front is kept when it looks like one; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


# Each alternative of _SECRET_TEXT needs one of these characters: text without any (an access line's fields, a
# timestamp) is left alone without running the pattern: that was half the cost of an access line (77 → 41 µs).
_MAY_HOLD_SECRET = re.compile(r"[=\"\s]")


def _scrub(match: re.Match[str]) -> str:
    return (match.group("name") or match.group("json") or match.group("scheme")) + REDACTED


def redact_text(text: str) -> str:
    return _SECRET_TEXT.sub(_scrub, text) if _MAY_HOLD_SECRET.search(text) else text


@functools.lru_cache(maxsize=1024)
def _is_secret_key(key: str) -> bool:
    """Field names repeat on every line: each is matched once."""
    return _SECRET_KEY.match(key) is not None


def redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: secrets out of every field of every line (the message, an exception, extras)."""
    for key, value in event.items():
        if _is_secret_key(key):
            event[key] = REDACTED
        elif isinstance(value, str):
            event[key] = redact_text(value)
    return event


def _without_color_message(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """uvicorn attaches a copy of each message with terminal colour codes: the renderer colours by itself."""
    record = event.get("_record")
    if record is not None and hasattr(record, "color_message"):
        del record.color_message
    return event


def configure(level: str, log_format: LogFormat, *, demo: bool = False) -> None:
    """Route every record of the process through one redacting structlog formatter on stderr."""
    console = log_format == "console" or (log_format == "auto" and (demo or sys.stderr.isatty()))
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        if console
        else structlog.processors.JSONRenderer()
    )
    stamp = structlog.processors.TimeStamper(fmt="iso", utc=True)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                _without_color_message,
                structlog.stdlib.ExtraAdder(),
                stamp,
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redact,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in (
        "uvicorn",
        "uvicorn.error",
        "uvicorn.access",
    ):  # into the root's handler, at the root's level
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    global _access
    _access = (
        None
        if root.level > logging.INFO
        else structlog.wrap_logger(
            structlog.WriteLogger(sys.stderr),
            wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
            processors=[structlog.processors.add_log_level, stamp, redact, renderer],
        ).bind(logger=ACCESS_LOGGER)
    )


# The access line's logger, once configure() has chosen the output; None: no access lines.
_access: Any = None


def note_user(scope: Scope, user_id: int) -> None:
    """Called by authentication: the access line names who made the request."""
    scope.setdefault("state", {})["user_id"] = user_id


class AccessLogMiddleware:
    """One line per HTTP request, after its answer: request id (also sent back as ``X-Request-ID``), method,
    route template (never the path's ids or the query), status, duration, and the user when authenticated."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _incoming_request_id(scope) or secrets.token_hex(8)
        state = scope.setdefault("state", {})
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if _access is not None:
                _access.info(
                    "request",
                    request_id=request_id,
                    method=scope["method"],
                    route=getattr(scope.get("route"), "path", "unmatched"),
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    user_id=state.get("user_id"),
                )


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _REQUEST_ID.fullmatch(text) else None
    return None
