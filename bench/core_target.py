"""The filled database a core benchmark runs against (see core_fill.py), and credentials for its people."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

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


async def bearer_tokens(db: Database, user_ids: list[int]) -> dict[int, str]:
    """A fresh bearer token per user, stored as login would store it."""
    tokens = {}
    async with db.write() as tx:
        for user_id in user_ids:
            issued = await insert_token(tx, SECRET, user_id, kind="bearer", lifetime=timedelta(days=1))
            tokens[user_id] = issued.token
    return tokens


def conditions() -> dict[str, object]:
    """What the figures were measured on: the code (commit, and whether the tree had changes) and the load."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=RESULTS.parent).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"), "tree_changed": bool(git("status", "--porcelain", "src")),
            "load_average": os.getloadavg(), "cpus": os.cpu_count()}
