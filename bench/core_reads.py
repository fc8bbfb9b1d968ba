"""Read latencies for the benchmark user (a member of 150 conversations) on a filled database (issue 2).

Each case runs twice: over HTTP against the whole service (``schoolchat serve`` as a user starts it, in a process
of its own, one keep-alive connection, bearer authentication), and as the bare query functions the routes call
in this process, so the difference is the framework's and the network's share. Targets: p99 ≤ 10 ms for each
read on SQLite. An HTTP case's CPU is the server's, on average per request (from /proc over the case); a query
case's is this process's, per call.

    .venv/bin/python bench/core_fill.py && .venv/bin/python bench/core_reads.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import core_target
import rawhttp
import timing
from rich.console import Console
from sqlalchemy import select

from schoolchat.auth.queries import load_actor
from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations.api import _decode_cursor as decode_cursor
from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Database
from schoolchat.messages import queries as message_queries

TARGET_MS = 10.0
PAGE = 30  # the conversation list's default page
HISTORY = 50  # the history's default page
console = Console(width=140)

Case = Callable[[int], Awaitable[object]]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    core_target.add_arguments(parser)
    parser.add_argument("--iterations", type=int, default=3_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="run only the cases whose name contains this (for profiling)")
    args = parser.parse_args()
    found = core_target.target(args)
    before = core_target.conditions()
    db = Database(found.url)
    user_id = found.manifest["bench_user_id"]
    token = (await core_target.bearer_tokens(db, [user_id]))[user_id]
    pages = await _history_pages(db, user_id, random.Random(args.seed), args.iterations + args.warmup)
    summaries = []
    async with core_target.serve(found.url) as server:
        connection = await rawhttp.Connection.open("127.0.0.1", server.port)
        headers = {"Authorization": f"Bearer {token}"}
        cursor = await _later_page_cursor(connection, headers)
        for name, case in _http_cases(connection, headers, cursor, pages):
            if args.only in name:
                console.print(f"[dim]{name}…[/dim]")
                cpu_before = server.cpu_seconds()
                wall, _ = await timing.timed(case, args.iterations, args.warmup)
                server_cpu = (server.cpu_seconds() - cpu_before) / (args.iterations + args.warmup)
                summaries.append(timing.summarise(name, wall, TARGET_MS, cpu_mean_seconds=server_cpu))
        await connection.close()
    for name, case in _query_cases(db, user_id, cursor, pages):
        if args.only in name:
            console.print(f"[dim]{name}…[/dim]")
            wall, cpu = await timing.timed(case, args.iterations, args.warmup)
            summaries.append(timing.summarise(name, wall, None, cpu))
    await db.dispose()
    after = core_target.conditions()
    console.print(timing.table(f"Reads, {found.url.split(':', 1)[0]}, user in "
                               f"{found.manifest['bench_conversations']} conversations", summaries,
                               {**before, "load_average_after": after["load_average"]}))
    out = core_target.RESULTS / f"core-reads-{db.dialect}.json"
    out.write_text(json.dumps({"database_url": found.url, "iterations": args.iterations,
                               "before": before, "after": after,
                               "summaries": [s.as_dict() for s in summaries]}, indent=2))
    console.print(f"Written to {out}")


async def _history_pages(db: Database, user_id: int, rng: random.Random, count: int
                         ) -> list[tuple[int, int | None, int]]:
    """(conversation, before_seq for an older page, last seq): the user's conversations in turn."""
    async with db.read() as conn:
        rows = (await conn.execute(
            select(conversations.c.id, conversations.c.last_seq)
            .join(memberships, memberships.c.conversation_id == conversations.c.id)
            .where(memberships.c.user_id == user_id, memberships.c.active.is_(True))
            .order_by(conversations.c.id))).all()
    pages = []
    for i in range(count):
        conversation_id, last_seq = rows[i % len(rows)]
        before = rng.randint(HISTORY + 1, last_seq) if last_seq > HISTORY else None
        pages.append((conversation_id, before, last_seq))
    return pages


async def _later_page_cursor(connection: rawhttp.Connection, headers: dict[str, str]) -> str:
    """The cursor of the conversation list's fourth page (conversations 91-120 of 150)."""
    cursor = None
    for _ in range(3):
        path = "/api/conversations" + (f"?cursor={quote(cursor)}" if cursor else "")
        cursor = (await connection.request("GET", path, headers=headers)).json()["next_cursor"]
    assert cursor is not None
    return cursor


def _http_cases(connection: rawhttp.Connection, headers: dict[str, str], cursor: str,
                pages: list[tuple[int, int | None, int]]) -> list[tuple[str, Case]]:
    async def get(path: str) -> None:
        answer = await connection.request("GET", path, headers=headers)
        if answer.status != 200:
            raise SystemExit(f"GET {path}: {answer.status} {answer.body[:200]!r}")

    older = [(c, b) for c, b, _ in pages if b is not None]
    return [
        ("HTTP conversation list, first page", lambda i: get("/api/conversations")),
        ("HTTP conversation list, 4th page", lambda i: get(f"/api/conversations?cursor={quote(cursor)}")),
        ("HTTP history, latest page", lambda i: get(f"/api/conversations/{pages[i][0]}/messages")),
        ("HTTP history, older page", lambda i: get(f"/api/conversations/{older[i % len(older)][0]}/messages"
                                                   f"?before_seq={older[i % len(older)][1]}")),
        ("HTTP badge (GET /api/unread)", lambda i: get("/api/unread")),
    ]


def _query_cases(db: Database, user_id: int, cursor: str, pages: list[tuple[int, int | None, int]]
                 ) -> list[tuple[str, Case]]:
    before = decode_cursor(cursor)
    older = [(c, b) for c, b, _ in pages if b is not None]

    async def conversation_list(position: tuple[Any, int] | None) -> None:
        async with db.read() as conn:
            viewer = await load_actor(conn, user_id)
            assert viewer is not None
            rows = await conversation_queries.list_page(conn, user_id, PAGE + 1, position)
            await conversation_queries.describe(conn, rows[:PAGE], viewer)

    async def history(conversation_id: int, before_seq: int | None) -> None:
        async with db.read() as conn:
            await conversation_queries.get_access(conn, user_id, conversation_id)
            rows = await message_queries.history(conn, conversation_id, before_seq, HISTORY)
            [message_queries.to_wire(row) for row in rows]

    async def badge(_: int) -> None:
        async with db.read() as conn:
            await conversation_queries.badge(conn, user_id)

    return [
        ("query conversation list, first page", lambda i: conversation_list(None)),
        ("query conversation list, 4th page", lambda i: conversation_list(before)),
        ("query history, latest page", lambda i: history(pages[i][0], None)),
        ("query history, older page", lambda i: history(*older[i % len(older)])),
        ("query badge (conversations.queries.badge)", badge),
    ]


if __name__ == "__main__":
    asyncio.run(main())
