"""Real outside processes for the scaled-out tests: a private Redis, PostgreSQL, and `schoolchat serve`."""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import sys
from pathlib import Path

import httpx
import pytest
import redis.asyncio as redis

from tests.realtime.harness import Addressed, end_process, free_port

SCHOOLCHAT = Path(sys.executable).with_name("schoolchat")


def unavailable(reason: str) -> None:
    """Skip with the reason; under CI=true a missing service is a failure instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


class RedisProcess:
    """A redis-server of the test's own on a free port, so stopping it disturbs nobody else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed (Debian package redis-server)")
        self.process = await asyncio.create_subprocess_exec(
            str(binary),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        try:
            async with asyncio.timeout(10):
                while True:
                    try:
                        await client.ping()
                        return
                    except (redis.ConnectionError, OSError):
                        await asyncio.sleep(0.05)
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            await self.process.wait()
            self.process = None


class ServeProcess(Addressed):
    """`schoolchat serve` on a free port with the given environment (``--workers`` processes)."""

    def __init__(
        self, env: dict[str, str], *, log: Path | None = None, workers: int = 1, open_files: int | None = None
    ) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log = log  # where its log lines (stderr) go; the test's own stderr otherwise
        self.open_files = open_files  # the soft open files limit it starts with (a service manager's)
        self.process: asyncio.subprocess.Process | None = None

    def _limit_open_files(self) -> None:
        if self.open_files is not None:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, hard))

    async def start(self) -> None:
        with open(self.log, "ab") if self.log else open(os.devnull, "rb") as log:
            self.process = await asyncio.create_subprocess_exec(
                str(SCHOOLCHAT),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                env={**os.environ, **self.env},
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log if self.log else None,
                preexec_fn=self._limit_open_files,
            )
        async with httpx.AsyncClient(base_url=self.url) as client, asyncio.timeout(30):
            while True:
                if self.process.returncode is not None:
                    raise AssertionError(f"schoolchat serve exited with {self.process.returncode}")
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await end_process(self.process)
