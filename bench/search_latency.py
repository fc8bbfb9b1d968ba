"""Search latency at 1,000,000 messages for a user in 150 conversations, and upload throughput (issue 5).

Search runs for the core benchmark's teacher (a member of 150 conversations, two of them courses of several
hundred) over a mix of queries: common words, rarer words, word prefixes, several words, a link, and a word
found nowhere. Each query is timed as the route runs it (``messages.search.search``: the index, the messages, their
attachments and the conversations' names), across all the user's conversations and within one of them (drawn
at random, big courses included); the across-all case is also timed through the whole app (HTTP over ASGI).
Target: across-all p99 ≤ 50 ms on SQLite.

Uploads post a 20 MB file through the app to each storage backend, on an empty database of their own.

    .venv/bin/python bench/search_fill.py && .venv/bin/python bench/search_latency.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from sqlalchemy import select

import core_target
import timing
from schoolchat.app import create_app
from schoolchat.auth.passwords import hash_password
from schoolchat.config import Settings
from schoolchat.conversations.models import memberships
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.messages import search
from schoolchat.administration import writes as people_writes
from schoolchat.realtime.bus import MemoryBus

RESULTS = Path(__file__).with_name("results")
TARGET_MS = 50.0
QUERIES = ["deadline", "worksheet", "permission slips", "lab report", "chapter 4", "dead", "pres", "b204",
           "example.org/reading-list", "happy holidays", "explain question again", "zebra", "th"]
UPLOAD_BYTES = 20 * 1024 * 1024
console = Console(width=140)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=RESULTS / "search.db")
    parser.add_argument("--database-url", help="a database indexed by search_fill.py --database-url")
    parser.add_argument("--iterations", type=int, default=1_300)
    parser.add_argument("--warmup", type=int, default=130)
    parser.add_argument("--uploads", type=int, default=5)
    args = parser.parse_args()
    found = core_target.target(args)
    before = core_target.conditions()
    db = Database(found.url)
    user_id = found.manifest["bench_user_id"]
    async with db.read() as conn:
        mine = list((await conn.execute(select(memberships.c.conversation_id).where(
            memberships.c.user_id == user_id, memberships.c.active.is_(True)))).scalars())
    rng = random.Random(1)
    picks = [rng.choice(mine) for _ in range(args.iterations + args.warmup)]

    async def across_all(i: int) -> object:
        async with db.read() as conn:
            return await search.search(conn, user_id, QUERIES[i % len(QUERIES)])

    async def within_one(i: int) -> object:
        async with db.read() as conn:
            return await search.search(conn, user_id, QUERIES[i % len(QUERIES)], conversation_id=picks[i])

    token = (await core_target.bearer_tokens(db, [user_id]))[user_id]
    app = create_app(found.settings(), db=db, bus=MemoryBus())
    summaries = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def over_http(i: int) -> object:
            answer = await client.get("/api/search", params={"q": QUERIES[i % len(QUERIES)]})
            assert answer.status_code == 200, answer.text
            return answer

        for name, case in (("search across all (query)", across_all), ("search within one (query)", within_one),
                           ("search across all (HTTP)", over_http)):
            wall, cpu = await timing.timed(case, args.iterations, args.warmup)
            summaries.append(timing.summarise(name, wall, TARGET_MS if "across" in name else None, cpu))
    per_query = await _per_query(db, user_id)
    await db.dispose()
    uploads = {backend: await _uploads(backend, args.uploads) for backend in ("local", "database")}
    table = timing.table("Search at 1,000,000 messages, user in 150 conversations", summaries)
    console.print(table)
    for backend, mbps in uploads.items():
        console.print(f"upload of 20 MB ({backend} storage): median {mbps:.0f} MB/s")
    out = RESULTS / f"search-{'postgresql' if args.database_url else 'sqlite'}.json"
    out.write_text(json.dumps({"conditions": before, "manifest": found.manifest,
                               "cases": [s.as_dict() for s in summaries], "per_query_p50_ms": per_query,
                               "upload_mb_per_s": uploads}, indent=2))
    console.print(f"written to {out}")


async def _per_query(db: Database, user_id: int, rounds: int = 30) -> dict[str, float]:
    """Median across-all latency of each query alone, to see which kinds of query cost most."""
    medians = {}
    for query in QUERIES:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            async with db.read() as conn:
                await search.search(conn, user_id, query)
            times.append((time.perf_counter() - started) * 1000)
        medians[query] = round(sorted(times)[len(times) // 2], 2)
    return medians


async def _uploads(backend: str, count: int) -> float:
    """Median MB/s of posting a 20 MB file through the app (multipart parsing, checks, hashing, storage)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/uploads.db"
        upgrade(url)
        settings = Settings(database_url=url, secret_key=core_target.SECRET, data_dir=Path(folder),
                            attachments_storage=backend)  # type: ignore[arg-type]
        db = Database(url)
        user_id = await _one_user(db)
        token = (await core_target.bearer_tokens(db, [user_id]))[user_id]
        app = create_app(settings, db=db, bus=MemoryBus())
        data = b"%PDF-1.4\n" + bytes(UPLOAD_BYTES - 9)
        rates = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            for _ in range(count):
                started = time.perf_counter()
                answer = await client.post("/api/attachments", files={"file": ("big.pdf", data, "application/pdf")})
                assert answer.status_code == 201, answer.text
                rates.append(UPLOAD_BYTES / (1024 * 1024) / (time.perf_counter() - started))
        await db.dispose()
    return round(sorted(rates)[len(rates) // 2], 1)


async def _one_user(db: Database) -> int:
    async with db.write() as tx:
        return await people_writes.insert_user(tx, username="uploader", password_hash=hash_password("x" * 12),
                                                name="Uploader", title="Teacher")


if __name__ == "__main__":
    asyncio.run(main())
