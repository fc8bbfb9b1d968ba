"""The filled database a core benchmark runs against (see core_fill.py), and credentials for its people."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import rawhttp
from sqlalchemy import URL, make_url
from timing import load_average

from schoolchat.auth.actions import insert_token
from schoolchat.config import Settings
from schoolchat.db import Database

RESULTS = Path(__file__).with_name("results")
SECRET = "bench-secret-key-not-for-production-0123456789"


@dataclass(frozen=True)
class Target:
    url: str
    manifest: dict[str, Any]

    def settings(self) -> Settings:
        return Settings(database_url=self.url, secret_key=SECRET, data_dir=RESULTS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=RESULTS / "core.db", help="SQLite file from core_fill")
    parser.add_argument("--database-url", help="a database filled by core_fill --database-url (e.g. PostgreSQL)")


def target(args: argparse.Namespace) -> Target:
    if args.database_url:
        return Target(args.database_url, json.loads((RESULTS / "core-postgresql.json").read_text()))
    if not args.path.exists():
        raise SystemExit(f"{args.path} does not exist; run bench/core_fill.py first.")
    return Target(f"sqlite+aiosqlite:///{args.path.resolve()}", json.loads(args.path.with_suffix(".json").read_text()))


def fresh_copy(url: str, name: str) -> str:
    """A copy called ``name`` beside a filled SQLite file (through the backup API, so a WAL is included), for a
    benchmark that writes; other databases as they are. Each benchmark copies to a name of its own."""
    if not url.startswith("sqlite"):
        return url
    source = Path(url.split(":///", 1)[1])
    copy = source.with_name(name)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return f"sqlite+aiosqlite:///{copy}"


async def bearer_tokens(db: Database, user_ids: list[int]) -> dict[int, str]:
    """A fresh bearer token per user, stored as login would store it."""
    tokens = {}
    async with db.write() as tx:
        for user_id in user_ids:
            issued = await insert_token(tx, SECRET, user_id, kind="bearer", lifetime=timedelta(days=1))
            tokens[user_id] = issued.token
    return tokens


def settle(url: str) -> None:
    """What autovacuum would have done to a PostgreSQL database by the time people read what was bulk-written
    into it: statistics for the planner and the visibility map for index-only scans (``VACUUM ANALYZE``). This
    machine's server runs with autovacuum off, and without them the badge over 150 conversations took 81 ms of
    PostgreSQL's time instead of 3.3 (the planner read every message's row for its sender). SQLite: nothing."""
    if url.startswith("sqlite"):
        return
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def libpq_url(url: str | URL, **parts: Any) -> str:
    """An SQLAlchemy PostgreSQL URL (``postgresql+psycopg://…``) as libpq takes it, with ``parts`` changed (such as
    ``database``), for the benchmarks' own connections beside the service's."""
    return make_url(url).set(drivername="postgresql", **parts).render_as_string(hide_password=False)


def conditions() -> dict[str, Any]:
    """What the figures were measured on: the code (commit, and whether the tree had changes) and the load when
    the measurement began; a benchmark adds ``load_average_after`` (timing.load_average) when it ends."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=RESULTS.parent).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"), "tree_changed": bool(git("status", "--porcelain", "src")),
            "load_average": load_average(), "cpus": os.cpu_count()}


@contextmanager
def fresh_postgresql(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url`` (an SQLAlchemy URL of any database there,
    e.g. ``postgresql+psycopg://127.0.0.1/postgres``) for one run; dropped at the end."""
    server = make_url(server_url)
    name = f"bench_{os.getpid()}_{time.monotonic_ns()}"
    admin = libpq_url(server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Server:
    """A running ``schoolchat serve``: where it listens, and how much CPU it has used so far."""

    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process and of its processes (``--workers``), from /proc."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return sum(process_cpu_seconds(int(pid)) for pid in [self.pid, *children])


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU one process has used so far, from /proc (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends_cpu(database_url: str) -> Callable[[], float]:
    """CPU so far of the PostgreSQL backends that have served the database of ``database_url`` (the service's
    pool): each backend's last reading is kept, so one that has gone since still counts what it used until then."""
    url = make_url(database_url)
    admin = libpq_url(url, database="postgres")
    seen: dict[int, float] = {}

    def read() -> float:
        with psycopg.connect(admin, autocommit=True) as conn:
            pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                                   (url.database,))]
        for pid in pids:
            seen[pid] = max(seen.get(pid, 0.0), process_cpu_seconds(pid))
        return sum(seen.values())

    return read


@asynccontextmanager
async def serve(url: str, synchronous: str = "FULL", settings: dict[str, str] | None = None, workers: int = 1
                ) -> AsyncIterator[Server]:
    """``schoolchat serve`` exactly as a user starts it (settings from ``SCHOOLCHAT_*``, its log written to
    results/serve.log as a service manager would keep it), on a free port, until the block ends. ``settings``:
    further ``SCHOOLCHAT_*`` variables; ``workers``: ``serve --workers`` (it needs PostgreSQL and Redis)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SCHOOLCHAT_DATABASE_URL": url, "SCHOOLCHAT_SECRET_KEY": SECRET,
           "SCHOOLCHAT_DATA_DIR": str(RESULTS), "SCHOOLCHAT_SQLITE_SYNCHRONOUS": synchronous, **(settings or {})}
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "serve.log").open("ab") as log:
        process = subprocess.Popen([str(Path(sys.executable).with_name("schoolchat")), "serve", "--port", str(port),
                                    "--workers", str(workers)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        await _wait_until_up(port)
        while _listening(port) < workers:  # /healthz answers once the first process listens
            await asyncio.sleep(0.1)
        yield Server(port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # its processes (--workers) die with it
            process.kill()
            process.wait()


def _listening(port: int) -> int:
    """How many sockets listen on ``port`` (one per process of ``serve --workers``), from /proc/net."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            count += int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A"
    return count


async def _wait_until_up(port: int) -> None:
    for _ in range(600):  # a loaded machine has taken over 10 s to import and start the service
        try:
            connection = await rawhttp.Connection.open("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        try:
            if (await connection.request("GET", "/healthz")).status == 200:
                return
        finally:
            await connection.close()
    raise SystemExit("the server did not start")
