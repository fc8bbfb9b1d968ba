"""Login storm (issue 11): 20 clients sending wrong passwords as fast as they can while 30 users read history.

Each phase runs for ``--seconds``: first the readers alone (the baseline), then the readers during the storm. The
readers are open-loop: each of 30 users asks for a page of history every ``--interval`` seconds on a keep-alive
connection of their own (a request that takes longer delays only that user's next one); the attackers are
closed-loop, one connection each, each guess for an unknown username (so every guess is a real argon2 check
against the dummy hash, as a wrong password is). Run twice: with the rate limits off, so every guess is hashed
(the case the thread pool must hold), and with the default limits, which refuse most of the storm before any
hashing. The server is ``bench/core_server.py`` (``create_app`` on uvicorn, uvloop, httptools) in a process of
its own, on a fresh SQLite database seeded here.

    .venv/bin/python bench/login_storm.py          # bench/results/login-storm.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import insert

import core_target
import rawhttp
import timing
from schoolchat.auth.passwords import hash_password
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.administration import writes as people
from schoolchat.kinds import SchoolRole
from schoolchat.people.models import communication_rules

console = Console(width=140)
HISTORY_MESSAGES = 200


async def seed(url: str, readers: int) -> list[int]:
    """One school, ``readers`` students; their ids."""
    upgrade(url)
    db = Database(url)
    password_hash = hash_password("reader password")
    async with db.write() as tx:
        school = await people.insert_org(tx, name="Storm School", kind="school", parent_id=None)
        await tx.conn.execute(insert(communication_rules), [
            {"org_id": school, "sender_role": s, "recipient_role": r, "scope": "same_school"}
            for s in SchoolRole for r in SchoolRole])
        ids = []
        for n in range(readers):
            ids.append(await people.insert_user(tx, username=f"reader{n}", password_hash=password_hash,
                                                name=f"Reader {n}"))
            await people.put_role(tx, ids[-1], school, "student")
    await db.dispose()
    return ids


async def conversation_with_history(port: int, headers: list[dict[str, str]], ids: list[int]) -> int:
    """A group of every reader, with HISTORY_MESSAGES messages from them in turn."""
    connection = await rawhttp.Connection.open("127.0.0.1", port)
    started = await connection.request("POST", "/api/conversations", headers=headers[0], json_body={
        "recipients": {"people": ids[1:]}, "mode": "group", "name": "Storm",
        "message": {"body": "first"}})
    assert started.status == 201, started.body
    conversation_id = int(started.json()["conversation"]["id"])
    for n in range(HISTORY_MESSAGES - 1):
        sent = await connection.request("POST", f"/api/conversations/{conversation_id}/messages",
                                        headers=headers[n % len(headers)], json_body={"body": f"message {n}"})
        assert sent.status == 201, sent.body
    await connection.close()
    return conversation_id


async def phase(port: int, headers: list[dict[str, str]], conversation_id: int, *, seconds: float,
                interval: float, attackers: int) -> tuple[list[float], Counter[int], int]:
    """Readers' latencies, the attackers' answers by status, and how many guesses they made."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    answers: Counter[int] = Counter()

    async def read(reader_headers: dict[str, str]) -> None:
        connection = await rawhttp.Connection.open("127.0.0.1", port)
        path = f"/api/conversations/{conversation_id}/messages?limit=50"
        next_at = time.monotonic()
        while (now := time.monotonic()) < deadline:
            await asyncio.sleep(max(0.0, next_at - now))
            started = time.perf_counter()
            answer = await connection.request("GET", path, headers=reader_headers)
            latencies.append(time.perf_counter() - started)
            assert answer.status == 200, answer.body
            next_at += interval
        await connection.close()

    async def attack(number: int) -> None:
        connection = await rawhttp.Connection.open("127.0.0.1", port)
        guess = 0
        while time.monotonic() < deadline:
            guess += 1
            answer = await connection.request("POST", "/api/auth/login", json_body={
                "username": f"nobody{number}-{guess}", "password": "wrong guess"})
            answers[answer.status] += 1
        await connection.close()

    await asyncio.gather(*(read(h) for h in headers), *(attack(n) for n in range(attackers)))
    return latencies, answers, sum(answers.values())


async def run_config(name: str, url: str, ids: list[int], args: argparse.Namespace, *, limits: bool,
                     seeded: int | None) -> tuple[dict[str, Any], int]:
    os.environ["SCHOOLCHAT_RATE_LIMITS_ENABLED"] = "true" if limits else "false"  # the server inherits it
    db = Database(url)
    tokens = await core_target.bearer_tokens(db, ids)
    await db.dispose()
    headers = [{"Authorization": f"Bearer {tokens[i]}"} for i in ids]
    async with core_target.serve(url) as server:
        conversation_id = seeded or await conversation_with_history(server.port, headers, ids)
        results: dict[str, Any] = {}
        for case, attackers in (("readers alone", 0), ("readers during the storm", args.attackers)):
            console.print(f"[dim]{name}: {case}…[/dim]")
            cpu_before = server.cpu_seconds()
            latencies, answers, guesses = await phase(server.port, headers, conversation_id, seconds=args.seconds,
                                                      interval=args.interval, attackers=attackers)
            summary = timing.summarise(f"{name}: {case}", latencies)
            results[case] = {"summary": summary.as_dict(), "guesses": guesses,
                             "guess_answers": {str(k): v for k, v in sorted(answers.items())},
                             "server_cpu_seconds": server.cpu_seconds() - cpu_before,
                             "load_average_after": os.getloadavg()}
        base, storm = (results[c]["summary"]["p99_ms"] for c in ("readers alone", "readers during the storm"))
        results["p99_ratio"] = storm / base
    return results, conversation_id


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=30)
    parser.add_argument("--attackers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between one reader's requests")
    args = parser.parse_args()
    path = core_target.RESULTS / "login-storm.db"
    core_target.RESULTS.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path.resolve()}"
    before = core_target.conditions()
    ids = await seed(url, args.readers)
    off, conversation_id = await run_config("limits off", url, ids, args, limits=False, seeded=None)
    on, _ = await run_config("default limits", url, ids, args, limits=True, seeded=conversation_id)
    summaries = [timing.Summary(**{k: v for k, v in r[c]["summary"].items() if k != "meets_target"})
                 for r in (off, on) for c in ("readers alone", "readers during the storm")]
    console.print(timing.table("History reads by 30 users, with and without 20 clients guessing passwords",
                               summaries))
    for name, r in (("limits off", off), ("default limits", on)):
        storm = r["readers during the storm"]
        console.print(f"{name}: p99 ratio {r['p99_ratio']:.2f}; {storm['guesses']} guesses "
                      f"({storm['guess_answers']}) in {args.seconds:g} s")
    out = core_target.RESULTS / "login-storm.json"
    out.write_text(json.dumps({"args": vars(args), "before": before, "after": core_target.conditions(),
                               "limits off": off, "default limits": on}, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
