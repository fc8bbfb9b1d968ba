"""Server CPU per HTTP request on routes from cheap to a send: what uvicorn, the middleware, routing, dependencies,
validation and serialization cost around the work a route does (issue 2: the framework's share of a send).

A real server (core_target.serve: ``create_app`` on uvicorn, uvloop, httptools) runs on a copy of the filled
database (core_fill.py); N keep-alive connections (rawhttp) call one route at a time as fast as answers come back.
The figure is the server process's CPU (user + system, from /proc) over the measured window divided by the answers
in it: independent of wall-clock time and of the client's CPU. The routes:

- ``healthz``: ``GET /healthz`` (no authentication, no database): the floor of any request;
- ``me``: ``GET /api/me`` (bearer token answered by the actor cache, one small query);
- ``badge``: ``GET /api/unread`` (the unread count over the bench teacher's 150 conversations);
- ``history``: ``GET /api/conversations/{id}/messages`` (a page of 50);
- ``send``: ``POST /api/conversations/{id}/messages``, each connection a different person writing round-robin into
  their conversations with unique ``client_message_id``s.

``--py-spy FILE`` records the server meanwhile (py-spy's raw format: one line per stack, with its sample count), to
attribute a route's time to middleware, routing, dependencies, validation and serialization:

    .venv/bin/python bench/http_overhead.py                              # every route, 10 s each
    .venv/bin/python bench/http_overhead.py --route send --duration 30 --py-spy bench/results/send-stacks.txt
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import core_target
import rawhttp
import timing
from core_sends import BODIES, SEND_LIMIT, _senders
from rich.console import Console
from rich.table import Table

from schoolchat.db import Database

ROUTES = ("healthz", "me", "badge", "history", "send")
console = Console(width=140)


@dataclass(frozen=True)
class Call:
    """One request of a route: method, path, JSON body, and the answer's expected status."""

    method: str
    path: str
    token: str | None = None
    json_body: Any = None
    expected: int = 200


Calls = Callable[[int, int], Call]  # (connection number, request number) -> the request


@dataclass(frozen=True)
class Outcome:
    route: str
    answers: int
    errors: int
    seconds: float
    cpu_ms_per_request: float

    @property
    def per_second(self) -> float:
        return self.answers / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    core_target.add_arguments(parser)
    parser.add_argument("--route", choices=ROUTES, action="append", help="default: all")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per route")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each route")
    parser.add_argument("--py-spy", type=Path, help="record the server with py-spy into this file (raw format)")
    args = parser.parse_args()
    found = core_target.target(args)
    url = core_target.fresh_copy(found.url, "http-overhead.db")
    before = timing.load_average()
    outcomes = asyncio.run(_run(url, found.manifest["bench_user_id"], args))
    conditions = core_target.conditions()
    table = _table(outcomes, args.connections)
    table.caption = timing.load_caption({"load_average": before, "load_average_after": conditions["load_average"]})
    console.print(table)
    out = core_target.RESULTS / "http-overhead.json"
    out.write_text(json.dumps({"connections": args.connections, "load_average_before": before,
                               "conditions": conditions,
                               "routes": [{"route": o.route, "answers": o.answers, "errors": o.errors,
                                           "per_second": round(o.per_second, 1),
                                           "cpu_ms_per_request": round(o.cpu_ms_per_request, 3)}
                                          for o in outcomes]}, indent=2) + "\n")
    console.print(f"Written to {out}")


async def _run(url: str, teacher_id: int, args: argparse.Namespace) -> list[Outcome]:
    calls = await _calls(url, teacher_id, args.connections)
    async with core_target.serve(url, settings=SEND_LIMIT) as server:  # the send route measures sends, not 429s
        spy = _py_spy(server.pid, args.py_spy) if args.py_spy else None
        try:
            return [await _measure(server, route, calls[route], args) for route in args.route or ROUTES]
        finally:
            if spy:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=30)


def _py_spy(pid: int, out: Path) -> subprocess.Popen[bytes]:
    py_spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(py_spy), "record", "-p", str(pid), "-f", "raw", "-r", "200", "-o", str(out)],
                            stdout=subprocess.DEVNULL)


async def _calls(url: str, teacher_id: int, connections: int) -> dict[str, Calls]:
    """Each route's requests, with tokens for the bench teacher and for one sender per connection."""
    db = Database(url)
    senders = await _senders(db, connections, one_conversation=False)
    tokens = await core_target.bearer_tokens(db, [teacher_id, *(s.user_id for s in senders)])
    await db.dispose()
    teacher = tokens[teacher_id]
    reader = senders[0]

    def send(number: int, i: int) -> Call:
        sender = senders[number]
        conversation_id = sender.conversation_ids[i % len(sender.conversation_ids)]
        return Call("POST", f"/api/conversations/{conversation_id}/messages", tokens[sender.user_id],
                    {"body": BODIES[i % len(BODIES)], "client_message_id": f"http-{number}-{i}"}, 201)

    def always(call: Call) -> Calls:
        return lambda _number, _i: call

    return {
        "healthz": always(Call("GET", "/healthz")),
        "me": always(Call("GET", "/api/me", teacher)),
        "badge": always(Call("GET", "/api/unread", teacher)),
        "history": always(Call("GET", f"/api/conversations/{reader.conversation_ids[0]}/messages?limit=50",
                               tokens[reader.user_id])),
        "send": send,
    }


async def _measure(server: core_target.Server, route: str, calls: Calls, args: argparse.Namespace) -> Outcome:
    start = time.perf_counter() + args.warmup
    end = start + args.duration
    answers = errors = 0
    used = [0.0]

    async def meter() -> None:
        await asyncio.sleep(start - time.perf_counter())
        began = server.cpu_seconds()
        await asyncio.sleep(end - time.perf_counter())
        used[0] = server.cpu_seconds() - began

    async def connection(number: int) -> None:
        nonlocal answers, errors
        http = await rawhttp.Connection.open("127.0.0.1", server.port)
        i = 0
        while (began := time.perf_counter()) < end:
            i += 1
            call = calls(number, i)
            headers = {"Authorization": f"Bearer {call.token}"} if call.token else None
            answer = await http.request(call.method, call.path, json_body=call.json_body, headers=headers)
            if began >= start:
                answers += 1
                errors += answer.status != call.expected
        await http.close()

    await asyncio.gather(meter(), *(connection(n) for n in range(args.connections)))
    return Outcome(route, answers, errors, args.duration, used[0] * 1000 / max(answers, 1))


def _table(outcomes: list[Outcome], connections: int) -> Table:
    out = Table(title=f"Server CPU per request ({connections} connections)")
    for column in ("route", "answers/s", "cpu ms/request", "errors"):
        out.add_column(column, justify="left" if column == "route" else "right")
    for o in outcomes:
        out.add_row(o.route, f"{o.per_second:,.0f}", f"{o.cpu_ms_per_request:.3f}", str(o.errors))
    return out


if __name__ == "__main__":
    main()
