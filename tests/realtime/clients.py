"""The two real SignalR clients the tests drive: the official JavaScript one under Node, and pysignalr.

Both follow the client contract of ``schoolchat.realtime.hub``: handle ``event``, remember the highest id, call
``GetEventsSince`` after every reconnect, drop ids already seen. Each keeps the events it received in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Protocol

import pytest
from pysignalr.client import SignalRClient
from pysignalr.messages import CompletionMessage

from tests.realtime.harness import end_process

NODE_DIR = Path(__file__).with_name("node")


class HubClient(Protocol):
    events: list[dict[str, Any]]

    async def stop(self) -> None: ...


async def wait_until(client: HubClient, predicate: Any, timeout: float = 20) -> None:
    """Until ``predicate(client.events)`` holds; the timeout only bounds a failing test."""
    async with asyncio.timeout(timeout):
        while not predicate(client.events):
            await asyncio.sleep(0.02)


def require_node() -> None:
    """Skip without Node or the npm install (tests/realtime/node), except in CI, where it is a failure."""
    missing = None
    if shutil.which("node") is None:
        missing = "node is not installed"
    elif not (NODE_DIR / "node_modules" / "@microsoft" / "signalr").is_dir():
        missing = f"@microsoft/signalr is not installed: run `npm ci --prefix {NODE_DIR}`"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)


class NodeClient:
    """``node client.mjs`` as a subprocess, reporting one JSON line per happening."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.events: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, hub_url: str, token: str) -> NodeClient:
        require_node()
        process = await asyncio.create_subprocess_exec(
            "node",
            str(NODE_DIR / "client.mjs"),
            cwd=NODE_DIR,
            env={**os.environ, "HUB_URL": hub_url, "HUB_TOKEN": token},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        client = cls(process)
        async with asyncio.timeout(20):
            while not any(line["kind"] == "connected" for line in client.lines):
                if client._reader.done():
                    raise AssertionError(f"the Node client ended early: {client.lines}")
                await asyncio.sleep(0.02)
        return client

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            line = json.loads(raw)
            self.lines.append(line)
            if line["kind"] == "event":
                self.events.append(line["event"])

    async def stop(self) -> None:
        assert self.process.stdin is not None
        with contextlib.suppress(Exception):
            self.process.stdin.write(b"stop\n")
            await self.process.stdin.drain()
        await end_process(self.process)
        self._reader.cancel()


class PythonClient:
    """pysignalr (from PyPI), negotiating without a version, with the bearer token in a header."""

    def __init__(self, hub_url: str, token: str) -> None:
        self.events: list[dict[str, Any]] = []
        self._seen: set[int] = set()
        self._last_id = 0
        self.client = SignalRClient(hub_url, headers={"Authorization": f"Bearer {token}"})
        self.client.on("event", self._on_event)
        self.client.on_open(self._resync)
        self.opened = asyncio.Event()
        self._task = asyncio.create_task(self.client.run())

    @classmethod
    async def start(cls, hub_url: str, token: str) -> PythonClient:
        client = cls(hub_url, token)
        async with asyncio.timeout(20):
            await client.opened.wait()
        return client

    def _take(self, event: dict[str, Any]) -> None:
        if event["id"] not in self._seen:
            self._seen.add(event["id"])
            self._last_id = max(self._last_id, event["id"])
            self.events.append(event)

    async def _on_event(self, arguments: list[dict[str, Any]]) -> None:
        self._take(arguments[0])

    async def _resync(self) -> None:
        async def answered(message: CompletionMessage) -> None:
            result = message.result or {}
            for event in result.get("events", []):
                self._take(event)
            if result.get("more"):
                await self._resync()
            else:
                self.opened.set()

        self.opened.clear()
        await self.client.send("GetEventsSince", [self._last_id], on_invocation=answered)  # type: ignore[list-item]

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(BaseException):
            await self._task
