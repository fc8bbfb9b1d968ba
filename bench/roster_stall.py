"""Benchmark (issue 12): how long a 10,000-person roster import holds up the event loop.

Imports the roster of `roster_import.py` (10,000 users, 500 classes, 10,000 enrollments) through `import_roster`,
the path of both the command line and admin uploads, while a ticker on the same loop wakes every millisecond and
records how late it woke: the longest lateness is the longest time no other request could have been served (on
SQLite the statements run on the loop's thread). Also reports the import's duration and its write batches.

    .venv/bin/python bench/roster_stall.py sqlite+aiosqlite:///bench/results/roster_stall.db
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from roster_import import generate
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.administration.roster.apply import import_roster
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services
from timing import one_shot, percentile


async def _ticker(lateness: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.001)
        lateness.append(time.perf_counter() - before - 0.001)


async def run(url: str) -> dict[str, Any]:
    upgrade(url)
    db = Database(url)
    services = Services(Settings(database_url=url, secret_key="bench-secret-key-0123456789"), db, MemoryBus())
    batches = 0

    async def progress(step: str, done: int, total: int) -> None:
        nonlocal batches
        batches += 1

    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "roster"
            users = generate(folder)
            lateness: list[float] = []
            stop = asyncio.Event()
            ticker = asyncio.create_task(_ticker(lateness, stop))
            started = time.perf_counter()
            result = await import_roster(services, folder, progress=progress)
            elapsed = time.perf_counter() - started
            stop.set()
            await ticker
            assert result.ok, result.errors[:5]
    finally:
        await db.dispose()
    late = sorted(value * 1000 for value in lateness)
    return {"database": db.dialect, "users": users, "import_s": round(elapsed, 2), "progress_reports": batches,
            "loop_lateness_p50_ms": round(percentile(late, 0.5), 2),
            "loop_lateness_p99_ms": round(percentile(late, 0.99), 2), "loop_lateness_max_ms": round(late[-1], 2)}


def main() -> None:
    one_shot(__doc__, run, "roster-stall")


if __name__ == "__main__":
    main()
