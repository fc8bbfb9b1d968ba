"""Benchmark (issue 13): what "Read by X of Y" costs, computed from the read cursors.

A mass message to 10,000 recipients (half have read it), and a course conversation of 300 students with 50
messages by its teacher (cursors spread over them): the grouped count behind `read_by=true` on a history page, the
count of one message (the reads route, the mass Sent list), and one page of 50 readers by name. Each is a
statement on the event loop's thread on SQLite, so its time is time no other request is served.

    .venv/bin/python bench/read_by.py sqlite+aiosqlite:///bench/results/read_by.db
    .venv/bin/python bench/read_by.py postgresql+psycopg://postgres@127.0.0.1:5432/read_by_bench
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from schoolchat.conversations.models import conversations, memberships
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.db.types import utcnow
from schoolchat.messages import reads
from schoolchat.messages.models import messages
from schoolchat.people.models import users
from timing import one_shot, summarise, timed

RECIPIENTS, COURSE, OWN_MESSAGES, ITERATIONS = 10_000, 300, 50, 200


async def _world(db: Database) -> tuple[int, int, list[int]]:
    now = utcnow()
    async with db.write() as tx:
        await tx.conn.execute(insert(users), [{"username": f"u{n}", "password_hash": "!", "name": f"Person {n:05d}",
                                               "created_at": now} for n in range(RECIPIENTS + 1)])
        ids = {"mass": 0, "course": 0}
        for kind in ids:
            ids[kind] = (await tx.conn.execute(insert(conversations).values(
                kind=kind, name=kind, created_by=1, created_at=now, last_activity_at=now,
                last_seq=1 if kind == "mass" else OWN_MESSAGES).returning(conversations.c.id))).scalar_one()
        mass_message = (await tx.conn.execute(insert(messages).values(
            conversation_id=ids["mass"], seq=1, sender_id=1, body="x", body_html="x", created_at=now)
            .returning(messages.c.id))).scalar_one()
        course_messages = [(await tx.conn.execute(insert(messages).values(
            conversation_id=ids["course"], seq=seq, sender_id=1, body="x", body_html="x", created_at=now)
            .returning(messages.c.id))).scalar_one() for seq in range(1, OWN_MESSAGES + 1)]
        await tx.conn.execute(insert(memberships), [
            {"conversation_id": ids["mass"], "user_id": user, "joined_at": now, "last_read_seq": user % 2}
            for user in range(1, RECIPIENTS + 2)])
        await tx.conn.execute(insert(memberships), [
            {"conversation_id": ids["course"], "user_id": user, "joined_at": now,
             "last_read_seq": user % (OWN_MESSAGES + 1)} for user in range(1, COURSE + 2)])
    return mass_message, ids["course"], course_messages


async def run(url: str) -> dict[str, Any]:
    upgrade(url)
    db = Database(url)
    try:
        mass_message, _, course_messages = await _world(db)
        cases = {
            "mass message, 10,000 recipients: count": ("mass", lambda conn: reads.counts(conn, "mass", [mass_message])),
            "mass message: a page of 50 readers": ("mass", lambda conn: reads.people(
                conn, "mass", mass_message, have_read=True, after=None, limit=50)),
            "course, 300 students: counts of a page's 50 own messages": ("course", lambda conn: reads.counts(
                conn, "course", course_messages)),
        }
        results = []
        for name, (_, query) in cases.items():
            async def call(_: int, query: Any = query) -> None:
                async with db.read() as conn:
                    await query(conn)
            wall, cpu = await timed(call, ITERATIONS, 10)
            results.append(summarise(name, wall, cpu_seconds=cpu).as_dict())
    finally:
        await db.dispose()
    return {"database": db.dialect, "results": results}


def main() -> None:
    one_shot(__doc__, run, "read-by")


if __name__ == "__main__":
    main()
