"""``schoolchat migrate``: a migration run leaves PostgreSQL with fresh planner statistics."""

from __future__ import annotations

import os

import psycopg
import pytest

from schoolchat.db.migrate import upgrade
from tests.conftest import DATABASE_KIND, POSTGRES_ADMIN_URL, _postgres_database

pytestmark = pytest.mark.skipif(DATABASE_KIND != "postgresql", reason="statistics are PostgreSQL's")


def _analysed(url: str) -> set[str]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        return {name for (name,) in conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")}


def test_migrating_analyses_the_tables_it_created_or_filled() -> None:
    run_db = f"schoolchat_migrate_{os.getpid()}"
    url = _postgres_database(run_db)
    try:
        upgrade(url)
        assert {"messages", "conversations", "memberships", "events"} <= _analysed(url)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
