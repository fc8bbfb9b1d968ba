"""A real server on a free port, and a small raw hub client for protocol-level checks."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
from typing import Any

import httpx
import uvicorn
import websockets

from schoolchat.app import create_app
from schoolchat.config import Settings
from schoolchat.realtime.transport import HubWebSocketProtocol
from tests.factories import Person

RS = "\x1e"


def stop_process(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Ask a process started with Popen to stop; kill it when it takes longer than ``timeout``."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Addressed:
    """A server on 127.0.0.1 at ``port``."""

    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hub_url(self) -> str:
        return f"{self.url}/hubs/messages"


async def end_process(process: asyncio.subprocess.Process, timeout: float = 10) -> None:
    """Wait for a process told to stop; kill it when it takes longer than ``timeout``."""
    try:
        async with asyncio.timeout(timeout):
            await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()


async def start_group(api: httpx.AsyncClient, creator: Person, others: list[Person]) -> int:
    """Start a group conversation over REST; its id."""
    response = await api.post(
        "/api/conversations",
        headers=creator.headers,
        json={"recipients": {"people": [p.id for p in others]}, "mode": "group", "name": "Real time"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["conversation"]["id"])


async def send(api: httpx.AsyncClient, person: Person, conversation_id: int, body: str) -> dict[str, Any]:
    """Send a message over REST; the created message."""
    response = await api.post(
        f"/api/conversations/{conversation_id}/messages", json={"body": body}, headers=person.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["message"])


class LiveServer(Addressed):
    """uvicorn serving ``create_app(settings)`` in the test's own event loop; can stop and start again."""

    def __init__(self, settings: Settings, port: int | None = None) -> None:
        self.settings = settings
        self.port = port or free_port()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        config = uvicorn.Config(
            create_app(self.settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            ws=HubWebSocketProtocol,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None


class RawHubClient:
    """Speaks the hub protocol over a plain WebSocket, with no SignalR library in between."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self._buffer = ""
        self._pending: list[dict[str, Any]] = []
        self._ids = 0

    @classmethod
    async def connect(
        cls,
        hub_url: str,
        token: str | None = None,
        *,
        origin: str | None = None,
        handshake: bool = True,
        **kwargs: Any,
    ) -> RawHubClient:
        url = hub_url.replace("http://", "ws://") + (f"?access_token={token}" if token else "")
        headers = {"Origin": origin} if origin else {}
        client = cls(await websockets.connect(url, additional_headers=headers, **kwargs))
        if handshake:
            await client.ws.send(json.dumps({"protocol": "json", "version": 1}) + RS)
            assert await client.next_message() == {}
        return client

    async def next_message(self, timeout: float = 10) -> dict[str, Any]:
        while not self._pending:
            frame = await asyncio.wait_for(self.ws.recv(), timeout)
            *records, self._buffer = (self._buffer + str(frame)).split(RS)
            self._pending.extend(json.loads(record) for record in records if record)
        return self._pending.pop(0)

    async def next_event(self, timeout: float = 10) -> dict[str, Any]:
        """The next pushed event, skipping pings."""
        while True:
            message = await self.next_message(timeout)
            if message.get("type") == 1 and message.get("target") == "event":
                return dict(message["arguments"][0])
            assert message.get("type") == 6, message

    async def invoke(self, target: str, *arguments: Any) -> dict[str, Any]:
        self._ids += 1
        invocation_id = str(self._ids)
        await self.ws.send(
            json.dumps(
                {"type": 1, "invocationId": invocation_id, "target": target, "arguments": list(arguments)}
            )
            + RS
        )
        while True:
            message = await self.next_message()
            if message.get("type") == 3 and message.get("invocationId") == invocation_id:
                return message

    async def close(self) -> None:
        await self.ws.close()
