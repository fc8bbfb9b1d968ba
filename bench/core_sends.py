"""Sustained sends per second from one process, on a copy of the filled database (issue 2: ≥ 1,000 sends/s).

Two ways, each with SQLite ``synchronous`` FULL (the engine's default) and NORMAL:
- ``http``: ``schoolchat serve`` as a user starts it (core_target.serve) on a free 127.0.0.1 port, and N
  concurrent clients in this process posting ``POST /api/conversations/{id}/messages`` with unique
  ``client_message_id``s, each client a different person on a keep-alive connection of its own (``rawhttp``: httpx
  costs more CPU per request than the server does) writing round-robin into their own conversations, or with
  ``--one-conversation`` all into one course conversation, as a class does in a lesson;
- ``inprocess``: the same sends as direct calls of ``messages.actions.send``: the database and action cost
  without HTTP, JSON and the framework.
Each run starts from a fresh copy of the filled file, so runs do not see each other's messages. CPU a send, over
the measured window: the service's (``cpu ms/send``; in-process, this process's), and over HTTP also PostgreSQL's
backends' (``db cpu``) and the clients' (``client cpu``, this process): on a machine that holds all three, their
sum bounds the rate.

    .venv/bin/python bench/core_sends.py                  # all four runs, 20 s each
    .venv/bin/python bench/core_sends.py --mode http --synchronous NORMAL --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import core_target
import rawhttp
import timing
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from schoolchat.auth.actor import Actor
from schoolchat.auth.queries import load_actor
from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Database
from schoolchat.messages import actions
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services

TARGET_PER_SECOND = 1_000
# Each benchmark person sends far more than the default per-person limit (30 in 10 s) allows a pupil; the limit
# stays on and is counted on every send, only sized above what they send, so no send is refused.
SEND_LIMIT = {"SCHOOLCHAT_RATE_SENDS": "1000000/10 seconds", "SCHOOLCHAT_RATE_CHANGES": "1000000/10 seconds"}
BODIES = ("On my way.", "Thanks, see you tomorrow!", "Could you check question 4 of the homework?",
          "The lab report is due Friday: https://example.org/lab-report")
console = Console(width=140)


@dataclass
class Sender:
    user_id: int
    conversation_ids: list[int]
    token: str = ""
    actor: Actor | None = None


@dataclass(frozen=True)
class Outcome:
    mode: str
    synchronous: str
    clients: int
    seconds: float
    sent: int
    errors: int
    latency: timing.Summary
    conditions: dict[str, object]
    cpu_ms_per_send: float | None = None  # CPU of the process that serves the sends, over the measured window
    one_conversation: bool = False
    # Over HTTP, the rest of what a send costs the machine: PostgreSQL's backends (None on SQLite, which runs in
    # the service), and the clients (this process).
    database_cpu_ms_per_send: float | None = None
    client_cpu_ms_per_send: float | None = None

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds


SendOne = Callable[[Sender, int, str, str], Awaitable[bool]]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    core_target.add_arguments(parser)
    parser.add_argument("--mode", choices=("http", "inprocess"), action="append", help="default: both")
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), action="append", help="default: both")
    parser.add_argument("--clients", type=int, default=32, help="concurrent senders")
    parser.add_argument("--one-conversation", action="store_true",
                        help="every sender writes into the same course conversation (a lesson), not their own")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    args = parser.parse_args()
    found = core_target.target(args)
    outcomes, loads_before = [], []
    for synchronous in args.synchronous or ["FULL", "NORMAL"]:
        for mode in args.mode or ["inprocess", "http"]:
            url = core_target.fresh_copy(found.url, "core-sends.db")
            console.print(f"[dim]{mode}, synchronous={synchronous}, {args.clients} clients, {args.duration:g} s…[/dim]")
            run = _http if mode == "http" else _inprocess
            loads_before.append(timing.load_average())
            outcomes.append(await run(found, url, synchronous, args))
    table = _table(outcomes)
    table.caption = timing.load_caption({"load_average": loads_before[0],
                                         "load_average_after": outcomes[-1].conditions["load_average"]})
    console.print(table)
    out = core_target.RESULTS / f"core-sends-{found.url.split(':', 1)[0].split('+')[0]}.json"
    out.write_text(json.dumps([{"mode": o.mode, "synchronous": o.synchronous, "clients": o.clients,
                                "seconds": o.seconds, "sent": o.sent, "errors": o.errors,
                                "per_second": round(o.per_second, 1), "latency": o.latency.as_dict(),
                                "cpu_ms_per_send": o.cpu_ms_per_send, "one_conversation": o.one_conversation,
                                "database_cpu_ms_per_send": o.database_cpu_ms_per_send,
                                "client_cpu_ms_per_send": o.client_cpu_ms_per_send,
                                "load_average_before": before, "conditions": o.conditions}
                               for o, before in zip(outcomes, loads_before)], indent=2))
    console.print(f"Written to {out}")


async def _senders(db: Database, count: int, one_conversation: bool) -> list[Sender]:
    """``count`` people, each with up to ten of their conversations (1:1, group, course, project) to write to, or
    (``one_conversation``) ``count`` members of the largest course conversation, all writing into it."""
    async with db.read() as conn:
        if one_conversation:
            size = func.count().label("size")
            course = (await conn.execute(
                select(memberships.c.conversation_id, size)
                .join(conversations, conversations.c.id == memberships.c.conversation_id)
                .where(memberships.c.active.is_(True), conversations.c.kind == "course",
                       conversations.c.status == "open")
                .group_by(memberships.c.conversation_id).order_by(size.desc()).limit(1))).first()
            members = (await conn.execute(
                select(memberships.c.user_id).where(memberships.c.conversation_id == course.conversation_id,
                                                    memberships.c.active.is_(True))
                .order_by(memberships.c.user_id))).scalars().all()
            return [Sender(u, [course.conversation_id]) for u in random.Random(3).sample(list(members), count)]
        rows = (await conn.execute(
            select(memberships.c.user_id, memberships.c.conversation_id)
            .join(conversations, conversations.c.id == memberships.c.conversation_id)
            .where(memberships.c.active.is_(True), conversations.c.kind != "individual")
            .order_by(memberships.c.user_id, memberships.c.conversation_id))).all()
    by_user: dict[int, list[int]] = {}
    for user_id, conversation_id in rows:
        by_user.setdefault(user_id, []).append(conversation_id)
    rng = random.Random(3)
    chosen = rng.sample(sorted(u for u, ids in by_user.items() if len(ids) >= 2), count)
    return [Sender(u, rng.sample(by_user[u], min(10, len(by_user[u])))) for u in chosen]


async def _load(senders: list[Sender], send: SendOne, duration: float, warmup: float, label: str,
                meters: dict[str, Callable[[], float]]) -> tuple[int, int, list[float], dict[str, float]]:
    """Every sender writes as fast as answers come back; (sent, errors, latencies, CPU seconds of each of
    ``meters``) within the measured window."""
    start = time.perf_counter() + warmup
    nonce = f"{time.time_ns():x}"  # client ids unique across runs on the same database
    end = start + duration
    latencies: list[float] = []
    errors = 0
    cpu_used: dict[str, float] = {}

    async def meter() -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        began = {name: read() for name, read in meters.items()}
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        cpu_used.update({name: read() - began[name] for name, read in meters.items()})

    async def client(number: int, sender: Sender) -> None:
        nonlocal errors
        i = 0
        while (began := time.perf_counter()) < end:
            i += 1
            ok = await send(sender, sender.conversation_ids[i % len(sender.conversation_ids)],
                            BODIES[i % len(BODIES)], f"{label}-{nonce}-{number}-{i}")
            if began >= start:
                latencies.append(time.perf_counter() - began)
                errors += not ok

    await asyncio.gather(meter(), *(client(n, s) for n, s in enumerate(senders)))
    return len(latencies) - errors, errors, latencies, cpu_used


async def _inprocess(found: core_target.Target, url: str, synchronous: str, args: argparse.Namespace) -> Outcome:
    db = Database(url, sqlite_synchronous=synchronous)
    services = Services(found.settings(), db, MemoryBus())
    senders = await _senders(db, args.clients, args.one_conversation)
    async with db.read() as conn:
        for sender in senders:
            sender.actor = await load_actor(conn, sender.user_id)

    async def send(sender: Sender, conversation_id: int, body: str, client_id: str) -> bool:
        assert sender.actor is not None
        await actions.send(services, sender.actor, conversation_id, body, client_id)
        return True

    sent, errors, latencies, cpu = await _load(senders, send, args.duration, args.warmup, "in",
                                               {"service": time.process_time})
    await db.dispose()
    return Outcome("inprocess", synchronous, args.clients, args.duration, sent, errors,
                   timing.summarise("send", latencies), core_target.conditions(), _per_send(cpu["service"], sent),
                   args.one_conversation)


async def _http(found: core_target.Target, url: str, synchronous: str, args: argparse.Namespace) -> Outcome:
    db = Database(url)
    senders = await _senders(db, args.clients, args.one_conversation)
    tokens = await core_target.bearer_tokens(db, [s.user_id for s in senders])
    await db.dispose()
    for sender in senders:
        sender.token = tokens[sender.user_id]
    connections: list[rawhttp.Connection] = []
    async with core_target.serve(url, synchronous, SEND_LIMIT) as server:
        try:
            connections = [await rawhttp.Connection.open("127.0.0.1", server.port) for _ in senders]
            by_sender = {sender.user_id: connection for sender, connection in zip(senders, connections)}

            async def send(sender: Sender, conversation_id: int, body: str, client_id: str) -> bool:
                answer = await by_sender[sender.user_id].request(
                    "POST", f"/api/conversations/{conversation_id}/messages",
                    json_body={"body": body, "client_message_id": client_id},
                    headers={"Authorization": f"Bearer {sender.token}"})
                return answer.status == 201

            meters = {"service": server.cpu_seconds, "client": time.process_time}
            if not url.startswith("sqlite"):
                meters["database"] = core_target.backends_cpu(url)
            sent, errors, latencies, cpu = await _load(senders, send, args.duration, args.warmup, "http", meters)
        finally:
            for connection in connections:
                await connection.close()
    return Outcome("http", synchronous, args.clients, args.duration, sent, errors,
                   timing.summarise("send", latencies), core_target.conditions(), _per_send(cpu["service"], sent),
                   args.one_conversation, _per_send(cpu.get("database"), sent), _per_send(cpu["client"], sent))


def _per_send(cpu_seconds: float | None, sent: int) -> float | None:
    return cpu_seconds * 1000 / sent if sent and cpu_seconds is not None else None


def _table(outcomes: list[Outcome]) -> Table:
    out = Table(title=f"Sustained sends (target ≥ {TARGET_PER_SECOND:,}/s)")
    for column in ("mode", "synchronous", "clients", "sends/s", "cpu ms/send", "db cpu", "client cpu", "p50 ms",
                   "p99 ms", "max ms", "errors", "ok"):
        out.add_column(column, justify="left" if column in ("mode", "synchronous") else "right")
    for o in outcomes:
        out.add_row(o.mode, o.synchronous, str(o.clients), f"{o.per_second:,.0f}",
                    *("" if ms is None else f"{ms:.2f}"
                      for ms in (o.cpu_ms_per_send, o.database_cpu_ms_per_send, o.client_cpu_ms_per_send)),
                    f"{o.latency.p50_ms:.1f}",
                    f"{o.latency.p99_ms:.1f}", f"{o.latency.max_ms:.1f}", str(o.errors),
                    "yes" if o.per_second >= TARGET_PER_SECOND else "NO")
    return out


if __name__ == "__main__":
    asyncio.run(main())
