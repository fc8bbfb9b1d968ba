"""Benchmark (issue 16): erasing a person with 50,000 messages — the request, then the batched job.

A pupil with ``COUNT`` messages spread over 50 group conversations (each with a classmate), every message in the
search index and the newest 5,000 with a ``message.created`` event in the log (a week's worth). Times the admin's
``POST /api/admin/users/{id}/erasure`` (the tombstone and legal holds, one transaction) and the job
(``privacy.actions.continue_erasures``, 500 messages per transaction), and the longest single batch — how long
other writers can wait behind it on SQLite.

    .venv/bin/python bench/person_erasure.py sqlite+aiosqlite:///bench/results/erasure.db [COUNT]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import timedelta

import httpx
from sqlalchemy import insert
from timing import load_average

from schoolchat.app import create_app
from schoolchat.auth.actions import insert_token
from schoolchat.config import Settings
from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.db.types import utcnow
from schoolchat.messages import erasure
from schoolchat.messages.models import messages
from schoolchat.administration import writes
from schoolchat.privacy import actions as privacy_actions
from schoolchat.realtime.bus import MemoryBus
from schoolchat.realtime.models import events
from schoolchat.search import index
from schoolchat.services import Services

CONVERSATIONS = 50


async def fill(services: Services, count: int) -> tuple[int, int]:
    now = utcnow()
    async with services.db.write() as tx:
        school = await writes.insert_org(tx, name="Bench School", kind="school", parent_id=None)
        admin = await writes.insert_user(tx, username="bench.admin", password_hash="", name="Bench Admin")
        pupil = await writes.insert_user(tx, username="bench.pupil", password_hash="", name="Bench Pupil")
        peer = await writes.insert_user(tx, username="bench.peer", password_hash="", name="Bench Peer")
        await writes.put_role(tx, admin, school, "admin")
        for user_id in (pupil, peer):
            await writes.put_role(tx, user_id, school, "student")
        ids = [(await tx.conn.execute(insert(conversations).values(
            kind="group", name=f"Group {n}", created_by=pupil, created_at=now, last_activity_at=now,
            last_seq=count // CONVERSATIONS).returning(conversations.c.id))).scalar_one() for n in range(CONVERSATIONS)]
        await tx.conn.execute(insert(memberships), [{"conversation_id": c, "user_id": u, "joined_at": now}
                                                    for c in ids for u in (pupil, peer)])
        rows = [{"conversation_id": ids[n % CONVERSATIONS], "seq": n // CONVERSATIONS + 1, "sender_id": pupil,
                 "body": f"message {n} about zebras", "body_html": f"<p>message {n} about zebras</p>",
                 "created_at": now - timedelta(minutes=count - n)} for n in range(count)]
        for start in range(0, count, 5_000):
            await tx.conn.execute(insert(messages), rows[start:start + 5_000])
        await tx.conn.run_sync(index.backfill)
        await tx.conn.execute(insert(events), [
            {"type": "message.created", "conversation_id": row["conversation_id"], "message_id": n + 1,
             "payload": {"conversation_id": row["conversation_id"], "message": {"id": n + 1, "body": row["body"]}},
             "created_at": now} for n, row in enumerate(rows) if n >= count - 5_000])
        token = (await insert_token(tx, services.settings.secret_key, admin, kind="bearer",
                                    lifetime=timedelta(hours=1))).token
    return pupil, token


async def run(url: str, count: int) -> dict[str, object]:
    upgrade(url)
    settings = Settings(database_url=url, secret_key="bench-secret-key-0123456789")
    services = Services(settings, Database(url), MemoryBus())
    app = create_app(settings, db=services.db, bus=services.bus)
    pupil, token = await fill(services, count)
    batches: list[float] = []
    original = erasure.erase

    async def timed(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            batches.append(time.perf_counter() - started)

    erasure.erase = timed  # type: ignore[assignment]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        started = time.perf_counter()
        answer = await client.post(f"/api/admin/users/{pupil}/erasure", json={"confirm": True},
                                   headers={"Authorization": f"Bearer {token}"})
        request_s = time.perf_counter() - started
        assert answer.status_code == 202, answer.text
    started = time.perf_counter()
    erased = await privacy_actions.continue_erasures(services)
    job_s = time.perf_counter() - started
    assert erased == count, erased
    await services.db.dispose()
    return {"messages": count, "request_s": round(request_s, 3), "job_s": round(job_s, 2),
            "messages_per_s": round(count / job_s), "batches": len(batches),
            "longest_batch_s": round(max(batches), 3), "median_batch_s": round(sorted(batches)[len(batches) // 2], 3)}


if __name__ == "__main__":
    before = load_average()
    result = asyncio.run(run(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50_000))
    print(json.dumps({"load_average_before": before, **result, "load_average_after": load_average()}))
