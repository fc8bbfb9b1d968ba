"""Request bodies: refused before they are read when the caller is unknown, and capped before they are parsed."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from schoolchat.auth import deps
from schoolchat.config import Settings
from tests.calls import started
from tests.factories import Factory, Person
from tests.openapi_check import server_client
from tests.realtime.harness import LiveServer
from tests.spies import calls_of

CAP = 64 * 1024
HUNDRED_MB = 100 * 1024 * 1024


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    server = LiveServer(settings.model_copy(update={"max_json_body_bytes": CAP}))
    await server.start()
    yield server
    await server.stop()


async def _announce(
    server: LiveServer, path: str, length: int, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """Send a request's head announcing ``length`` body bytes, and only a few of them; the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + b'{"body": "')
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)  # no answer without the body: a timeout
    status = int(head.split(b" ", 2)[1])
    size = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    body = json.loads(await reader.readexactly(size))
    writer.close()
    return status, body


def _error(body: dict[str, Any]) -> dict[str, Any]:
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


async def test_a_body_without_credentials_to_an_authenticated_route_is_refused_unread(
    live: LiveServer,
) -> None:
    status, body = await _announce(live, "/api/conversations/1/messages", HUNDRED_MB)
    assert status == 401 and _error(body)["code"] == "unauthenticated"
    status, body = await _announce(
        live, "/api/conversations/1/messages", HUNDRED_MB, {"Authorization": "Bearer not-a-token"}
    )
    assert status == 401 and _error(body)["code"] == "unauthenticated"


async def test_a_json_body_larger_than_the_cap_is_refused_unread(live: LiveServer, make: Factory) -> None:
    ada = await make.person()
    status, body = await _announce(live, "/api/conversations/1/messages", HUNDRED_MB, ada.headers)
    assert status == 413
    assert _error(body) == {
        "code": "body_too_large",
        "message": f"The request body is larger than {CAP} bytes.",
        "details": {},
    }
    status, body = await _announce(
        live, "/api/auth/login", HUNDRED_MB
    )  # also where no credential comes first
    assert status == 413 and _error(body)["code"] == "body_too_large"


async def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_cap(
    live: LiveServer, make: Factory
) -> None:
    """Chunked, with no Content-Length: the 413 comes while the client is still sending, long before 100 MB."""
    ada = await make.person()
    reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
    head = [
        "POST /api/conversations HTTP/1.1",
        f"Host: 127.0.0.1:{live.port}",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        f"Authorization: {ada.headers['Authorization']}",
    ]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    sent = 0

    async def send_endlessly() -> None:
        nonlocal sent
        chunk = b"1000\r\n" + b"x" * 4096 + b"\r\n"
        with contextlib.suppress(OSError):
            while sent < HUNDRED_MB:
                writer.write(chunk)
                await writer.drain()
                sent += 4096

    sending = asyncio.create_task(send_endlessly())
    answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    sending.cancel()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 413")
    assert sent < HUNDRED_MB // 10


async def test_uploads_keep_their_own_limit_above_the_json_cap(live: LiveServer, make: Factory) -> None:
    ada: Person = await make.person()
    async with server_client(live.url, timeout=30) as api:
        answer = await api.post(
            "/api/attachments",
            files={"file": ("big.txt", b"a" * (4 * CAP), "text/plain")},
            headers=ada.headers,
        )
    assert answer.status_code == 201, answer.text
    assert answer.json()["size"] == 4 * CAP


async def test_a_request_with_a_body_is_authenticated_once(
    client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The body guard authenticates it before reading the body; the route takes that answer as it is."""
    emma, noah = await make.person(), await make.person()
    authentications = calls_of(monkeypatch, deps, "authenticate")
    await started(client, emma, people=[noah.id], body="hello")
    assert len(authentications) == 1
