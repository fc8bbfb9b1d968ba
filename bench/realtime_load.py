"""Load generator for the real-time hub: it speaks the SignalR JSON hub protocol over raw WebSockets.

Two measurements against a real ``schoolchat serve`` (uvicorn + uvloop) on a fresh SQLite database:

- ``latency``: N members of one conversation are connected; one more member sends messages over REST at a steady
  rate. Each body carries the wall-clock time of the send; each member records send -> deliver latency for every
  message it receives. Prints p50/p99/max and deliveries per second.
- ``idle``: opens C connections that complete the hub handshake and then only ping; prints the server's resident
  memory per connection (RSS delta / C).

    .venv/bin/python bench/realtime_load.py latency --members 300 --rate 10 --seconds 20
    .venv/bin/python bench/realtime_load.py idle --connections 5000

The client side is deliberately thin (a bare asyncio protocol that finds the marker in each frame instead of
decoding JSON) so that one load process can stand for thousands of members on the same two cores as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import resource
import socket
import struct
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import uvloop
from sqlalchemy import insert
from timing import percentile

from schoolchat.auth.actions import insert_token
from schoolchat.auth.passwords import hash_password
from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.db.types import utcnow
from schoolchat.people.actions import insert_org, insert_user, put_role

SECRET = "realtime-bench-secret-key-0123456789"
RS = b"\x1e"
MARKER = b'"body":"bench:'
HUB = "/hubs/messages"
WARMUP = 5


@dataclass
class Seeded:
    conversation_id: int
    sender_token: str
    member_tokens: list[str]


async def seed(url: str, members: int) -> Seeded:
    """One school, ``members`` + 1 people with bearer tokens, all in one group conversation."""
    db = Database(url)
    password_hash = hash_password("bench")
    tokens: list[str] = []
    user_ids: list[int] = []
    now = utcnow()
    async with db.write() as tx:
        school = await insert_org(tx, name="Bench school", kind="school", parent_id=None)
        for n in range(members + 1):
            user_id = await insert_user(tx, username=f"bench{n}", password_hash=password_hash, name=f"Bench {n}")
            await put_role(tx, user_id, school, "student")
            issued = await insert_token(tx, SECRET, user_id, kind="bearer", lifetime=timedelta(days=1))
            user_ids.append(user_id)
            tokens.append(issued.token)
        conversation_id = (await tx.conn.execute(insert(conversations).values(
            kind="group", name="Bench", created_by=user_ids[0], created_at=now, last_activity_at=now,
            status="open", last_seq=0).returning(conversations.c.id))).scalar_one()
        await tx.conn.execute(insert(memberships), [
            {"conversation_id": conversation_id, "user_id": user_id, "formal": True, "active": True,
             "joined_at": now, "last_read_seq": 0} for user_id in user_ids])
    await db.dispose()
    return Seeded(conversation_id, tokens[0], tokens[1:])


class Server:
    """``schoolchat serve`` in its own process."""

    def __init__(self, url: str, data_dir: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.env = {**os.environ, "SCHOOLCHAT_DATABASE_URL": url, "SCHOOLCHAT_SECRET_KEY": SECRET,
                    "SCHOOLCHAT_DATA_DIR": str(data_dir)}
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        schoolchat = Path(sys.executable).with_name("schoolchat")
        self.process = await asyncio.create_subprocess_exec(
            str(schoolchat), "serve", "--port", str(self.port), env=self.env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    await client.get(f"http://127.0.0.1:{self.port}/healthz")
                    return
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU the server has used so far (on a shared machine, wall time also measures others)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kib(self) -> int:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    async def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            await self.process.wait()


def masked_text(payload: bytes) -> bytes:
    mask = os.urandom(4)
    header = bytes([0x81, 0x80 | len(payload)]) if len(payload) < 126 else \
        bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


HANDSHAKE = masked_text(json.dumps({"protocol": "json", "version": 1}).encode() + RS)
PING = masked_text(b'{"type":6}' + RS)


@dataclass
class Member(asyncio.Protocol):
    """One hub connection: upgrade, handshake, then record the latency of every bench message it receives."""

    token: str
    port: int
    latencies: list[float]
    ready: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    buffer: bytearray = field(default_factory=bytearray)
    upgraded: bool = False
    transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not asyncio's classes
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write((f"GET {HUB}?access_token={self.token} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                         f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                self.ready.set_exception(RuntimeError(bytes(self.buffer[:200]).decode()))
                return
            del self.buffer[:end + 4]
            self.upgraded = True
            assert self.transport is not None
            self.transport.write(HANDSHAKE)
        now = time.time_ns()
        while len(self.buffer) >= 2:
            length, at = self.buffer[1] & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, at = struct.unpack_from(">H", self.buffer, 2)[0], 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, at = struct.unpack_from(">Q", self.buffer, 2)[0], 10
            if len(self.buffer) < at + length:
                return
            payload = bytes(self.buffer[at:at + length])
            del self.buffer[:at + length]
            if not self.ready.done():
                self.ready.set_result(None)  # the handshake answer
            start = payload.find(MARKER)
            while start >= 0:
                digits = start + len(MARKER)
                sent = int(payload[digits:payload.index(b":", digits)])
                self.latencies.append((now - sent) / 1e6)
                start = payload.find(MARKER, digits)

    def ping(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(PING)


async def connect_all(tokens: list[str], port: int, latencies: list[float], batch: int = 200) -> list[Member]:
    """Open the connections, a batch at a time; they ping from the start (the server drops silent clients)."""
    loop = asyncio.get_running_loop()
    members: list[Member] = []
    pinger = asyncio.create_task(keep_alive(members))
    for start in range(0, len(tokens), batch):
        chunk = [Member(token, port, latencies) for token in tokens[start:start + batch]]
        for member in chunk:
            await loop.create_connection(lambda m=member: m, "127.0.0.1", port)  # type: ignore[misc]
        await asyncio.gather(*(m.ready for m in chunk))
        members.extend(chunk)
    pinger.cancel()
    return members


async def keep_alive(members: list[Member]) -> None:
    while True:
        await asyncio.sleep(5)
        for member in members:
            member.ping()


@contextlib.asynccontextmanager
async def serving(members: int) -> AsyncIterator[tuple[Seeded, Server]]:
    """A fresh SQLite database with ``members`` + 1 people in one conversation, served by its own process."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        upgrade(url)
        seeded = await seed(url, members)
        server = Server(url, Path(tmp))
        await server.start()
        try:
            yield seeded, server
        finally:
            await server.stop()


async def latency(members: int, rate: float, seconds: float) -> dict[str, object]:
    async with serving(members) as (seeded, server):
        latencies: list[float] = []
        connected = await connect_all(seeded.member_tokens, server.port, latencies)
        pinger = asyncio.create_task(keep_alive(connected))
        count = int(rate * seconds)
        path = f"/api/conversations/{seeded.conversation_id}/messages"
        headers = {"Authorization": f"Bearer {seeded.sender_token}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", headers=headers,
                                     timeout=30) as api:
            async def send(n: int) -> None:
                response = await api.post(path, json={"body": f"bench:{time.time_ns()}:{n}"})
                response.raise_for_status()

            for n in range(WARMUP):  # first requests pay for imports and caches; not measured
                await send(-1 - n)
            deadline = time.monotonic() + 60
            while len(latencies) < WARMUP * members and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            latencies.clear()
            cpu_before = server.cpu_seconds()
            began = time.monotonic()
            sends = []
            for n in range(count):
                await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
                sends.append(asyncio.create_task(send(n)))
            await asyncio.gather(*sends)
            expected = count * members
            deadline = time.monotonic() + 30
            while len(latencies) < expected and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            elapsed = time.monotonic() - began
            cpu = server.cpu_seconds() - cpu_before
        pinger.cancel()
        ordered = sorted(latencies)
        return {"members": members, "rate_per_s": rate, "messages": count, "expected": expected,
                "delivered": len(latencies), "p50_ms": round(percentile(ordered, 0.50), 1),
                "p99_ms": round(percentile(ordered, 0.99), 1), "max_ms": round(ordered[-1], 1),
                "deliveries_per_s": round(len(latencies) / elapsed), "server_cpu_s": round(cpu, 1),
                "deliveries_per_server_cpu_s": round(len(latencies) / cpu) if cpu else None}


async def idle(connections: int) -> dict[str, object]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        async with serving(connections) as (seeded, server):
            warm = await connect_all(seeded.member_tokens[:50], server.port, [])
            for member in warm:
                assert member.transport is not None
                member.transport.close()
            await asyncio.sleep(2)
            before = server.rss_kib()
            connected = await connect_all(seeded.member_tokens, server.port, [])
            await asyncio.sleep(3)
            after = server.rss_kib()
            for member in connected:
                assert member.transport is not None
                member.transport.close()
            return {"connections": connections, "rss_before_mib": round(before / 1024, 1),
                    "rss_after_mib": round(after / 1024, 1),
                    "kib_per_connection": round((after - before) / connections, 1)}
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("--members", type=int, default=300)
    lat.add_argument("--rate", type=float, default=10)
    lat.add_argument("--seconds", type=float, default=20)
    mem = sub.add_parser("idle")
    mem.add_argument("--connections", type=int, default=5000)
    args = parser.parse_args()
    if args.command == "latency":
        result = uvloop.run(latency(args.members, args.rate, args.seconds))
    else:
        result = uvloop.run(idle(args.connections))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
