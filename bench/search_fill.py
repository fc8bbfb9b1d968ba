"""Make the search benchmark's database (issue 5): the core benchmark's 1,000,000 messages, indexed for search.

SQLite: copies bench/results/core.db (from core_fill.py) to bench/results/search.db and migrates the copy, which
builds the full-text index from the messages already there, as an upgrade of a live school would. PostgreSQL:
pass the URL of a database core_fill.py filled; it is migrated, and indexed if its index is still empty (a fill
writes messages after the migrations have run).

    .venv/bin/python bench/core_fill.py && .venv/bin/python bench/search_fill.py
    .venv/bin/python bench/search_fill.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/schoolchat_bench
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path

from rich.console import Console
from sqlalchemy import create_engine, text

from schoolchat.db import fulltext
from schoolchat.db.migrate import sync_url, upgrade
from schoolchat.search.index import backfill

RESULTS = Path(__file__).with_name("results")
console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=RESULTS / "core.db")
    parser.add_argument("--path", type=Path, default=RESULTS / "search.db")
    parser.add_argument("--database-url", help="index this filled database instead (e.g. PostgreSQL)")
    args = parser.parse_args()
    if args.database_url:
        url = args.database_url
    else:
        _copy(args.source, args.path)
        url = f"sqlite+aiosqlite:///{args.path.resolve()}"
    started = time.perf_counter()
    upgrade(url)
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        indexed = conn.execute(text(f"SELECT count(*) FROM {fulltext.TABLE}")).scalar_one()
        if not indexed:
            indexed = backfill(conn)
    seconds = time.perf_counter() - started
    console.print(f"{indexed:,} messages indexed in {seconds:.0f} s")
    if not args.database_url:
        manifest = json.loads(args.source.with_suffix(".json").read_text())
        manifest.update(database_url=url, indexed_messages=indexed, index_seconds=round(seconds, 1))
        args.path.with_suffix(".json").write_text(json.dumps(manifest, indent=2))


def _copy(source: Path, destination: Path) -> None:
    """A consistent copy of a WAL database (the backup API), replacing an earlier one."""
    if not source.exists():
        raise SystemExit(f"{source} does not exist; run bench/core_fill.py first.")
    for path in (destination, Path(f"{destination}-wal"), Path(f"{destination}-shm")):
        path.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    console.print(f"Copied {source} to {destination}")


if __name__ == "__main__":
    main()
