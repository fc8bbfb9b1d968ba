"""``schoolchat serve --workers 1`` against ``--workers 2`` on PostgreSQL + Redis, back to back in one run (issue 17).

For each process count: a fresh PostgreSQL database (core_target.fresh_postgresql) with one school and one group
conversation of 301 people (a year's assembly; realtime_load.seed), a private ``redis-server`` on a free port,
and ``schoolchat serve --workers N`` as a user starts it (core_target.serve). Two phases:

- **sends**: 32 of the members, each on a keep-alive connection of its own (``rawhttp``), post as fast as the
  answers come back, nobody online, first each into a two-person group of their own (spread), then all into the
  one conversation (a lesson): sends/s, p99, and CPU per send;
- **deliveries**: all 300 members online on the hub (the kernel spreads their connections over the processes;
  an event committed by one process reaches the others through Redis), one more sends ``--messages`` at
  ``--rate`` a second (realtime_load.measure): deliveries/s, send -> deliver p99, and CPU per delivery.

CPU is read from /proc around each measured window, for the service (the supervisor and its processes), for the
PostgreSQL backends serving the run's database (``pg_stat_activity``), and for redis-server. The clients run in this
process on the same two cores: on this machine the figures say what two processes cost, not what two cores give.

    .venv/bin/python bench/serve_workers.py          # --workers 1 then 2; ~2 minutes; results/serve-workers.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import core_target
import httpx
import rawhttp
import realtime_load
import redis.asyncio as redis
import timing
import uvloop
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, select

from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.db.types import utcnow
from schoolchat.people.models import users

SENDERS = 32


@dataclass(frozen=True)
class Meters:
    """CPU seconds so far of each part that serves: the service's processes, PostgreSQL's backends, Redis."""

    parts: dict[str, Callable[[], float]]

    def read(self) -> dict[str, float]:
        return {name: read() for name, read in self.parts.items()}

    def since(self, before: dict[str, float]) -> dict[str, float]:
        return {name: round(now - before[name], 3) for name, now in self.read().items()}


@contextlib.asynccontextmanager
async def private_redis() -> AsyncIterator[tuple[str, int]]:
    """A redis-server of this run's own on a free port (the machine's is shared): its URL and pid."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError, OSError):
                await client.ping()
                break
            await asyncio.sleep(0.05)
        yield url, process.pid
    finally:
        await client.aclose()
        process.terminate()
        process.wait(timeout=10)


async def pairs(url: str) -> list[int]:
    """A group conversation of its own for each sender (members 1-32 of realtime_load.seed, each with one of
    members 33-64), so that spread sends do not queue on one conversation's row."""
    db = Database(url)
    now = utcnow()
    async with db.write() as tx:
        ids = dict((await tx.conn.execute(select(users.c.username, users.c.id))).all())
        conversation_ids = []
        for n in range(1, SENDERS + 1):
            pair = [ids[f"bench{n}"], ids[f"bench{n + SENDERS}"]]
            conversation_id = (await tx.conn.execute(insert(conversations).values(
                kind="group", name=f"Pair {n}", created_by=pair[0], created_at=now, last_activity_at=now,
                status="open", last_seq=0).returning(conversations.c.id))).scalar_one()
            await tx.conn.execute(insert(memberships), [
                {"conversation_id": conversation_id, "user_id": user_id, "formal": True, "active": True,
                 "joined_at": now, "last_read_seq": 0} for user_id in pair])
            conversation_ids.append(conversation_id)
    await db.dispose()
    return conversation_ids


async def sends(port: int, tokens: list[str], conversation_ids: list[int], meters: Meters, seconds: float,
                warmup: float) -> dict[str, Any]:
    """``SENDERS`` people, each on a connection of its own, post as fast as answers come back, sender ``n``
    into ``conversation_ids[n]``."""
    connections = [await rawhttp.Connection.open("127.0.0.1", port) for _ in range(SENDERS)]
    nonce = f"{time.time_ns():x}"
    start = time.perf_counter() + warmup
    end = start + seconds
    latencies: list[float] = []
    errors = 0
    refused: dict[int, str] = {}  # status: the first answer of each kind of refusal
    used: dict[str, float] = {}

    async def meter() -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        before = meters.read()
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        used.update(meters.since(before))

    async def client(n: int) -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        path = f"/api/conversations/{conversation_ids[n]}/messages"
        i = 0
        while (began := time.perf_counter()) < end:
            i += 1
            answer = await connections[n].request("POST", path, headers=headers, json_body={
                "body": f"Question {i} from pupil {n}", "client_message_id": f"{nonce}-{n}-{i}"})
            if answer.status != 201:
                refused.setdefault(answer.status, answer.body[:200].decode(errors="replace"))
            if began >= start:
                latencies.append(time.perf_counter() - began)
                errors += answer.status != 201

    try:
        await asyncio.gather(meter(), *(client(n) for n in range(SENDERS)))
    finally:
        for connection in connections:
            await connection.close()
    sent = len(latencies) - errors
    summary = timing.summarise("send", latencies)
    return {"senders": SENDERS, "seconds": seconds, "sent": sent, "errors": errors, "refused": refused,
            "sends_per_s": round(sent / seconds, 1), "p50_ms": round(summary.p50_ms, 1),
            "p99_ms": round(summary.p99_ms, 1), "cpu_s": used,
            "cpu_ms_per_send": {name: round(1000 * cpu / sent, 3) for name, cpu in used.items()} if sent else None}


async def deliveries(port: int, seeded: realtime_load.Seeded, meters: Meters, rate: float, messages: int,
                     server: core_target.Server) -> dict[str, Any]:
    """Every member online, one more sending ``messages`` at ``rate`` a second: realtime_load.measure, with the
    CPU of every part."""
    path = f"/api/conversations/{seeded.conversation_id}/messages"
    headers = {"Authorization": f"Bearer {seeded.sender_token}"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as api:
        async def send(body: str) -> None:
            (await api.post(path, json={"body": body})).raise_for_status()

        target = realtime_load.Target("schoolchat serve", server, seeded.member_tokens, send)
        return await realtime_load.measure(target, rate, messages, meters.read)


async def one(workers: int, args: argparse.Namespace) -> dict[str, Any]:
    with core_target.fresh_postgresql(args.postgresql) as url:
        upgrade(url)
        seeded = await realtime_load.seed(url, args.members)
        spread_ids = await pairs(url)
        async with private_redis() as (redis_url, redis_pid):
            settings = {**realtime_load.SEND_LIMIT, "SCHOOLCHAT_REDIS_URL": redis_url,
                        "SCHOOLCHAT_SECRET_KEY": realtime_load.SECRET}
            async with core_target.serve(url, settings=settings, workers=workers) as server:
                meters = Meters({"service": server.cpu_seconds, "postgresql": core_target.backends_cpu(url),
                                 "redis": lambda: core_target.process_cpu_seconds(redis_pid)})
                load_before = timing.load_average()
                spread = await sends(server.port, seeded.member_tokens, spread_ids, meters, args.seconds,
                                     args.warmup)
                one_conversation = await sends(server.port, seeded.member_tokens,
                                               [seeded.conversation_id] * SENDERS, meters, args.seconds, args.warmup)
                delivered = await deliveries(server.port, seeded, meters, args.rate, args.messages, server)
    return {"workers": workers, "load_average_before": load_before, "sends_spread": spread,
            "sends_one_conversation": one_conversation, "deliveries": delivered,
            "load_average_after": timing.load_average()}


def report(result: dict[str, Any]) -> Table:
    out = Table(title=f"serve --workers 1 vs 2, PostgreSQL + Redis (commit {result['commit']}, "
                      f"{result['cpus']} cores shared with the clients)", caption=timing.load_caption(result))
    for column in ("workers", "case", "per second", "p99 ms", "CPU per operation: service · PostgreSQL · Redis",
                   "load before → after"):
        out.add_column(column, justify="left" if column == "case" else "right")
    for run in result["runs"]:
        load = f"{run['load_average_before'][0]} → {run['load_average_after'][0]}"
        for key, case in (("sends_spread", "sends, 32 senders, own conversations"),
                          ("sends_one_conversation", "sends, 32 senders, one conversation")):
            s = run[key]
            cpu = " · ".join(f"{v:.2f}" for v in (s["cpu_ms_per_send"] or {}).values())
            out.add_row(str(run["workers"]), case, f"{s['sends_per_s']:,.0f}", str(s["p99_ms"]), f"{cpu} ms",
                        load)
        d = run["deliveries"]
        cpu = " · ".join(f"{v:.1f}" for v in d.get("cpu_us_per_delivery", {}).values())
        out.add_row(str(run["workers"]), f"deliveries, {d['messages']} messages to {d['members']} online "
                    f"({d['delivered']:,}/{d['expected']:,})", f"{d['deliveries_per_s']:,}", str(d["p99_ms"]),
                    f"{cpu} µs", load, end_section=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgresql", default="postgresql+psycopg://127.0.0.1/postgres", metavar="URL",
                        help="a PostgreSQL server; each run makes a database of its own there and drops it")
    parser.add_argument("--workers", type=int, action="append", help="process counts, in order (default: 1 2)")
    parser.add_argument("--members", type=int, default=300, help="members of the conversation, all online "
                        "in the delivery phase")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds of each phase")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds before the sends")
    parser.add_argument("--messages", type=int, default=100, help="messages of the delivery phase")
    parser.add_argument("--rate", type=float, default=200, help="messages a second in the delivery phase")
    args = parser.parse_args()
    conditions = core_target.conditions()
    runs = [uvloop.run(one(workers, args)) for workers in args.workers or [1, 2]]
    result = {"database": "postgresql", **conditions, "runs": runs, "load_average_after": timing.load_average()}
    Console(width=160).print(report(result))
    out = core_target.RESULTS / "serve-workers.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {out}")


if __name__ == "__main__":
    main()
