"""A database of its own for a migration test, migrated to the head, dropped afterwards (PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from schoolchat.db.migrate import upgrade
from tests.conftest import DATABASE_KIND, POSTGRES_ADMIN_URL, _postgres_database


@contextmanager
def migrated_database(tmp_path: Path, name: str, revision: str = "heads") -> Iterator[str]:
    """The URL of a fresh database named ``name`` (per process) that every migration up to ``revision`` has run
    on."""
    run_db = f"schoolchat_{name}_{os.getpid()}"
    url = (
        _postgres_database(run_db)
        if DATABASE_KIND == "postgresql"
        else f"sqlite+aiosqlite:///{tmp_path}/{name}.db"
    )
    try:
        upgrade(url, revision)
        yield url
    finally:
        if DATABASE_KIND == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
