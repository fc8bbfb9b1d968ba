"""Load generator for the real-time hub: it speaks the SignalR JSON hub protocol over raw WebSockets.

Three measurements against a real ``schoolchat serve`` (uvicorn + uvloop) on a fresh SQLite database (or, for
the first two, a fresh PostgreSQL database with ``--postgresql``):

- ``latency``: N members of one conversation are connected; one more member sends messages over REST at a steady
  rate. Each body carries the wall-clock time of the send; each member records send -> deliver latency for every
  message it receives. Prints p50/p99/max and deliveries per second.
- ``fanout``: the same clients and sender schedule first against ``bench/bare_broadcast.py`` (a bare
  ``websockets`` broadcast server), then against ``schoolchat serve``: 100 messages to 1,000 members, and 300
  members at 10 msg/s for 20 s. Prints both and the ratios of deliveries/s and server CPU per delivery, with the
  load average before and after each; writes results/fanout-<database>.json.
- ``idle``: C connections, opened by several client processes, complete the hub handshake and then only
  ping (every 15 s, as the SignalR JavaScript client does); prints the server's resident memory per connection
  (RSS delta / C) and the server's CPU over an idle window (keep-alive cost). ``--deflate`` offers
  permessage-deflate in the upgrade as browsers do; ``--traced`` runs the server under tracemalloc
  (``bench/traced_serve.py``) and prints the largest allocations the connections added.

    .venv/bin/python bench/realtime_load.py latency --members 300 --rate 10 --seconds 20
    .venv/bin/python bench/realtime_load.py fanout [--postgresql postgresql+psycopg://127.0.0.1/postgres]
    .venv/bin/python bench/realtime_load.py idle --connections 5000 --clients 4 --deflate

The client side is deliberately thin (a bare asyncio protocol that finds the marker in each frame instead of
decoding JSON) so that one load process can stand for thousands of members on the same two cores as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import multiprocessing
import os
import resource
import signal
import socket
import struct
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import httpx
import uvloop
import websockets
from core_target import conditions, fresh_postgresql, settle
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert
from timing import load_average, load_caption, percentile

from schoolchat.administration.writes import insert_org, insert_user, put_role
from schoolchat.auth.actions import insert_token
from schoolchat.auth.passwords import hash_password
from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.db.types import utcnow

SECRET = "realtime-bench-secret-key-0123456789"
RS = b"\x1e"
MARKER = b'"body":"bench:'
HUB = "/hubs/messages"
WARMUP = 5
# The sender writes far more than a pupil's default limit allows; the limit stays on, sized above what it sends.
SEND_LIMIT = {"SCHOOLCHAT_RATE_SENDS": "1000000/10 seconds", "SCHOOLCHAT_RATE_CHANGES": "1000000/10 seconds"}
RESULTS = Path(__file__).with_name("results")


@dataclass
class Seeded:
    conversation_id: int
    sender_token: str
    member_tokens: list[str]


async def seed(url: str, members: int) -> Seeded:
    """One school, ``members`` + 1 people with bearer tokens, all in one group conversation; then the planner's
    statistics, as autovacuum would have them by the time a class is online (this machine's PostgreSQL runs with
    it off: without them, a send's check of the members' messaging joined every member to a scan of every person,
    21 ms of PostgreSQL's CPU a send into 301 members)."""
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
    settle(url)
    return Seeded(conversation_id, tokens[0], tokens[1:])


class Server:
    """``schoolchat serve`` in its own process."""

    def __init__(self, url: str, data_dir: Path, *, traced: bool = False) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.env = {**os.environ, "SCHOOLCHAT_DATABASE_URL": url, "SCHOOLCHAT_SECRET_KEY": SECRET,
                    "SCHOOLCHAT_DATA_DIR": str(data_dir), "TRACED_SNAPSHOT": str(data_dir / "snapshot"), **SEND_LIMIT}
        self.traced = traced
        self.snapshots = 0
        self.process: asyncio.subprocess.Process | None = None

    def argv(self) -> list[str]:
        if self.traced:
            return [sys.executable, str(Path(__file__).with_name("traced_serve.py")), "serve", "--port",
                    str(self.port)]
        return [str(Path(sys.executable).with_name("schoolchat")), "serve", "--port", str(self.port)]

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv(), env=self.env,
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

    async def snapshot(self) -> tracemalloc.Snapshot:
        """Ask the traced server for a tracemalloc snapshot and load it."""
        assert self.process is not None and self.traced
        self.snapshots += 1
        path = Path(f"{self.env['TRACED_SNAPSHOT']}.{self.snapshots}")
        self.process.send_signal(signal.SIGUSR1)
        while not path.exists():
            await asyncio.sleep(0.5)
        await asyncio.sleep(5)  # the dump takes a while on a big heap
        return tracemalloc.Snapshot.load(str(path))

    async def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:  # a server that does not stop would hold the next run's cores
                self.process.kill()
                await self.process.wait()


def masked_text(payload: bytes) -> bytes:
    mask = os.urandom(4)
    header = bytes([0x81, 0x80 | len(payload)]) if len(payload) < 126 else \
        bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


DEFLATE_OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"  # as browsers
HANDSHAKE = masked_text(json.dumps({"protocol": "json", "version": 1}).encode() + RS)
PING = masked_text(b'{"type":6}' + RS)


@dataclass
class Member(asyncio.Protocol):
    """One hub connection: upgrade, handshake, then record the latency of every bench message it receives."""

    token: str
    port: int
    latencies: list[float]
    deflate: bool = False
    ready: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    buffer: bytearray = field(default_factory=bytearray)
    upgraded: bool = False
    transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not asyncio's classes
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write((f"GET {HUB}?access_token={self.token} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                         f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                         f"{DEFLATE_OFFER if self.deflate else ''}"
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


async def connect_all(tokens: list[str], port: int, latencies: list[float], batch: int = 200, *,
                      deflate: bool = False, ping_seconds: float = 5) -> list[Member]:
    """Open the connections, a batch at a time; they ping from the start (the server drops silent clients)."""
    loop = asyncio.get_running_loop()
    members: list[Member] = []
    pinger = asyncio.create_task(keep_alive(members, ping_seconds))
    for start in range(0, len(tokens), batch):
        chunk = [Member(token, port, latencies, deflate) for token in tokens[start:start + batch]]
        for member in chunk:
            await loop.create_connection(lambda m=member: m, "127.0.0.1", port)  # type: ignore[misc]
        await asyncio.gather(*(m.ready for m in chunk))
        members.extend(chunk)
    pinger.cancel()
    return members


async def keep_alive(members: list[Member], seconds: float = 5) -> None:
    while True:
        await asyncio.sleep(seconds)
        for member in members:
            member.ping()


@contextlib.asynccontextmanager
async def serving(members: int, *, traced: bool = False, postgresql: str | None = None
                  ) -> AsyncIterator[tuple[Seeded, Server]]:
    """A fresh database (SQLite; or a PostgreSQL database of its own on the server ``postgresql``, dropped at the
    end) with ``members`` + 1 people in one conversation, served by its own process."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_postgresql(postgresql)) if postgresql else f"sqlite+aiosqlite:///{tmp}/bench.db"
        upgrade(url)
        seeded = await seed(url, members)
        server = Server(url, Path(tmp), traced=traced)
        await server.start()
        try:
            yield seeded, server
        finally:
            await server.stop()


class BareServer(Server):
    """bench/bare_broadcast.py in its own process: the fan-out limit of a bare ``websockets`` server."""

    def __init__(self) -> None:
        super().__init__("", Path("."))

    def argv(self) -> list[str]:
        return [sys.executable, str(Path(__file__).with_name("bare_broadcast.py")), str(self.port)]


class Served(Protocol):
    """What a measurement needs of a running server (this module's ``Server``, or ``core_target.Server``)."""

    port: int

    def cpu_seconds(self) -> float: ...


@dataclass
class Target:
    """A running server for the fan-out measurement: where its members connect, and how one message is sent."""

    name: str
    server: Served
    member_tokens: list[str]
    send: Callable[[str], Awaitable[None]]


@contextlib.asynccontextmanager
async def schoolchat_target(members: int, postgresql: str | None = None) -> AsyncIterator[Target]:
    """``schoolchat serve`` with ``members`` online members of one conversation; one more sends over REST."""
    async with serving(members, postgresql=postgresql) as (seeded, server):
        path = f"/api/conversations/{seeded.conversation_id}/messages"
        headers = {"Authorization": f"Bearer {seeded.sender_token}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", headers=headers,
                                     timeout=30) as api:
            async def send(body: str) -> None:
                (await api.post(path, json={"body": body})).raise_for_status()

            yield Target("schoolchat serve", server, seeded.member_tokens, send)


@contextlib.asynccontextmanager
async def bare_target(members: int) -> AsyncIterator[Target]:
    """The bare broadcast server; the sender writes each message as a frame on ``/send``."""
    server = BareServer()
    await server.start()
    try:
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/send", compression=None) as sender:
            yield Target("bare websockets", server, [f"member{n}" for n in range(members)], sender.send)
    finally:
        await server.stop()


async def measure(target: Target, rate: float, count: int,
                  parts: Callable[[], dict[str, float]] | None = None) -> dict[str, object]:
    """Connect every member, send ``count`` messages at ``rate`` a second (after a warm-up), and wait until all
    are delivered (30 s at most): send -> deliver latencies, deliveries/s, and the server's CPU per delivery;
    ``parts``: CPU seconds so far of each part that serves (service, database, ...), read over the same window."""
    members = len(target.member_tokens)
    latencies: list[float] = []
    connected = await connect_all(target.member_tokens, target.server.port, latencies)
    pinger = asyncio.create_task(keep_alive(connected))
    for n in range(WARMUP):  # first requests pay for imports and caches; not measured
        await target.send(f"bench:{time.time_ns()}:{-1 - n}")
    deadline = time.monotonic() + 60
    while len(latencies) < WARMUP * members and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    latencies.clear()
    load_before = load_average()
    cpu_before = target.server.cpu_seconds()
    parts_before = parts() if parts else {}
    began = time.monotonic()
    sends = []
    for n in range(count):
        await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
        sends.append(asyncio.create_task(target.send(f"bench:{time.time_ns()}:{n}")))
    await asyncio.gather(*sends)
    expected = count * members
    deadline = time.monotonic() + 30
    while len(latencies) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    elapsed = time.monotonic() - began
    cpu = target.server.cpu_seconds() - cpu_before
    parts_used = {name: round(now - parts_before[name], 3) for name, now in (parts() if parts else {}).items()}
    pinger.cancel()
    for member in connected:
        assert member.transport is not None
        member.transport.close()
    ordered = sorted(latencies) or [float("nan")]
    return {"server": target.name, "members": members, "rate_per_s": rate, "messages": count,
            "expected": expected, "delivered": len(latencies), "p50_ms": round(percentile(ordered, 0.50), 1),
            "p99_ms": round(percentile(ordered, 0.99), 1), "max_ms": round(ordered[-1], 1),
            "deliveries_per_s": round(len(latencies) / elapsed), "server_cpu_s": round(cpu, 2),
            "server_cpu_us_per_delivery": round(1e6 * cpu / len(latencies), 2) if latencies else None,
            "load_average_before": load_before, "load_average_after": load_average(),
            **({"cpu_s": parts_used, "cpu_us_per_delivery": {name: round(1e6 * used / len(latencies), 2)
                                                            for name, used in parts_used.items()}}
               if parts and latencies else {})}


async def latency(members: int, rate: float, seconds: float, postgresql: str | None = None
                  ) -> dict[str, object]:
    async with schoolchat_target(members, postgresql) as target:
        return await measure(target, rate, int(rate * seconds))


FANOUT_CASES = {  # name: (members, messages per second, messages)
    "burst: 100 messages to 1,000 members": (1000, 1000.0, 100),
    "steady: 300 members, 10 msg/s for 20 s": (300, 10.0, 200),
}


async def fanout(postgresql: str | None) -> dict[str, object]:
    """Each case on the bare broadcast server, then on ``schoolchat serve``, with the same clients; the ratios."""
    before = conditions()
    cases = []
    for name, (members, rate, count) in FANOUT_CASES.items():
        async with bare_target(members) as target:
            bare = await measure(target, rate, count)
        async with schoolchat_target(members, postgresql) as target:
            ours = await measure(target, rate, count)
        cpu_ratio = None
        if ours["server_cpu_us_per_delivery"] and bare["server_cpu_us_per_delivery"]:
            cpu_ratio = round(float(ours["server_cpu_us_per_delivery"])  # type: ignore[arg-type]
                              / float(bare["server_cpu_us_per_delivery"]), 2)  # type: ignore[arg-type]
        cases.append({"case": name, "bare": bare, "schoolchat": ours,
                      "deliveries_per_s_ratio": round(int(ours["deliveries_per_s"])  # type: ignore[call-overload]
                                                      / int(bare["deliveries_per_s"]), 2),  # type: ignore[call-overload]
                      "cpu_per_delivery_ratio": cpu_ratio})
    return {"database": "postgresql" if postgresql else "sqlite", **before, "cases": cases,
            "load_average_after": load_average()}


def fanout_table(result: dict[str, Any]) -> Table:
    out = Table(title=f"Fan-out, bare websockets vs schoolchat serve ({result['database']}, commit "
                      f"{result['commit']})", caption=load_caption(result))
    for column in ("case", "server", "delivered", "p50 ms", "p99 ms", "deliveries/s", "CPU µs/delivery",
                   "load before → after"):
        out.add_column(column, justify="left" if column in ("case", "server") else "right")
    for case in result["cases"]:
        for key in ("bare", "schoolchat"):
            run = case[key]
            out.add_row(case["case"], run["server"], f"{run['delivered']:,} / {run['expected']:,}",
                        str(run["p50_ms"]), str(run["p99_ms"]), f"{run['deliveries_per_s']:,}",
                        str(run["server_cpu_us_per_delivery"]),
                        f"{run['load_average_before'][0]} → {run['load_average_after'][0]}")
        out.add_row(case["case"], "ratio schoolchat / bare", "", "", "", str(case["deliveries_per_s_ratio"]),
                    str(case["cpu_per_delivery_ratio"]), "", end_section=True)
    return out


FILES = 65536  # open files allowed to the server and each client process (root may raise the hard limit)
CLIENT_PING_SECONDS = 15  # the SignalR JavaScript client's keepAliveIntervalInMilliseconds


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(FILES, soft), max(FILES, hard)))


def _hold_connections(tokens: list[str], port: int, deflate: bool, pipe: Connection) -> None:
    """A client process: open its share of the connections, say how many, ping until told to close them."""
    _raise_file_limit()

    async def run() -> None:
        members = await connect_all(tokens, port, [], deflate=deflate, ping_seconds=CLIENT_PING_SECONDS)
        pinger = asyncio.create_task(keep_alive(members, CLIENT_PING_SECONDS))
        pipe.send(len(members))
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        pinger.cancel()
        for member in members:
            assert member.transport is not None
            member.transport.close()
        await asyncio.sleep(1)

    uvloop.run(run())


def _top_allocations(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, connections: int,
                     count: int = 25) -> list[dict[str, object]]:
    """The allocation sites that grew most, per connection, with the innermost frames outside the stdlib."""
    total = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    rows: list[dict[str, object]] = [{"python_bytes_per_connection": round(total / connections)}]
    for stat in after.compare_to(before, "traceback")[:count]:
        frames = [f"{Path(frame.filename).name}:{frame.lineno}" for frame in stat.traceback][-5:]
        rows.append({"bytes_per_connection": round(stat.size_diff / connections),
                     "blocks_per_connection": round(stat.count_diff / connections, 2), "where": frames})
    return rows


SERVER_FILES_RESERVE = 100  # the server's own open files beside the sockets: database, log, listening socket, epoll


async def idle(connections: int, clients: int, idle_seconds: float, deflate: bool,
               traced: bool) -> dict[str, object]:
    _raise_file_limit()
    allowed = resource.getrlimit(resource.RLIMIT_NOFILE)[1]  # the server raises its own soft limit to this
    if allowed != resource.RLIM_INFINITY and connections + SERVER_FILES_RESERVE > allowed:
        # Past its limit the server accepts nothing more, and the clients would wait for it forever.
        raise SystemExit(f"the server may open {allowed} files here: at most {allowed - SERVER_FILES_RESERVE} "
                         f"connections (the hard limit of open files; raise it as root, e.g. prlimit)")
    load_before = load_average()
    async with serving(connections, traced=traced) as (seeded, server):
        warm = await connect_all(seeded.member_tokens[:50], server.port, [], deflate=deflate)
        for member in warm:
            assert member.transport is not None
            member.transport.close()
        await asyncio.sleep(2)
        first = await server.snapshot() if traced else None
        before = server.rss_kib()
        context = multiprocessing.get_context("spawn")
        share = -(-connections // clients)
        pipes, processes = [], []
        for n in range(clients):
            ours, theirs = context.Pipe()
            process = context.Process(target=_hold_connections, args=(
                seeded.member_tokens[n * share:(n + 1) * share], server.port, deflate, theirs))
            process.start()
            pipes.append(ours)
            processes.append(process)
        try:
            opened = 0
            for pipe in pipes:
                opened += await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
            await asyncio.sleep(5)
            after = server.rss_kib()
            load_idle = load_average()
            cpu_before, began = server.cpu_seconds(), time.monotonic()
            await asyncio.sleep(idle_seconds)
            cpu = server.cpu_seconds() - cpu_before
            elapsed = time.monotonic() - began
            allocations = _top_allocations(first, await server.snapshot(), opened) if first else None
        finally:
            for pipe in pipes:
                pipe.send("close")
            for process in processes:
                await asyncio.get_running_loop().run_in_executor(None, process.join, 30)
                if process.is_alive():
                    process.kill()
    return {"connections": opened, "clients": clients, "deflate_offered": deflate,
            "rss_before_mib": round(before / 1024, 1), "rss_after_mib": round(after / 1024, 1),
            "kib_per_connection": round((after - before) / opened, 2),
            "kb_per_connection": round((after - before) * 1.024 / opened, 2),
            "idle_seconds": round(elapsed, 1), "idle_server_cpu_s": round(cpu, 2),
            "keepalive_core_percent": round(100 * cpu / elapsed, 2),
            "load_average_before": load_before, "load_average_idle": load_idle,
            "load_average_after": load_average(),
            **({"allocations": allocations} if allocations is not None else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("--members", type=int, default=300)
    lat.add_argument("--rate", type=float, default=10)
    lat.add_argument("--seconds", type=float, default=20)
    fan = sub.add_parser("fanout", help="the bare websockets server, then schoolchat serve, with the same clients")
    for command in (lat, fan):
        command.add_argument("--postgresql", metavar="URL", help="a PostgreSQL server (e.g. "
                             "postgresql+psycopg://127.0.0.1/postgres): serve a fresh database made on it")
    mem = sub.add_parser("idle")
    mem.add_argument("--connections", type=int, default=5000)
    mem.add_argument("--clients", type=int, default=4, help="client processes sharing the connections")
    mem.add_argument("--idle-seconds", type=float, default=60, help="how long the idle CPU is measured")
    mem.add_argument("--deflate", action="store_true", help="offer permessage-deflate, as browsers do")
    mem.add_argument("--traced", action="store_true", help="tracemalloc in the server; the top allocations")
    args = parser.parse_args()
    if args.command == "fanout":
        _raise_file_limit()
        result = uvloop.run(fanout(args.postgresql))
        Console(width=150).print(fanout_table(result))
        (RESULTS / f"fanout-{result['database']}.json").write_text(json.dumps(result, indent=2) + "\n")
        return
    if args.command == "latency":
        result = uvloop.run(latency(args.members, args.rate, args.seconds, args.postgresql))
    else:
        result = uvloop.run(idle(args.connections, args.clients, args.idle_seconds, args.deflate,
                                 args.traced))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
