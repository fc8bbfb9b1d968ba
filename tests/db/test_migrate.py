"""``schoolchat migrate``: every migration runs on a fresh database with its own code; a run leaves PostgreSQL with
fresh planner statistics."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect

from schoolchat.db import fulltext
from schoolchat.db.migrate import sync_url, upgrade
from tests.conftest import DATABASE_KIND, POSTGRES_ADMIN_URL, _postgres_database
from tests.db.fresh import migrated_database

postgresql_only = pytest.mark.skipif(DATABASE_KIND != "postgresql", reason="statistics are PostgreSQL's")


def test_a_fresh_database_migrates_from_zero_to_the_head(tmp_path: Path) -> None:
    with migrated_database(tmp_path, "fresh") as url:
        engine = create_engine(sync_url(url))
        try:
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
        finally:
            engine.dispose()
        assert {"messages", "attachments", "message_attachments", fulltext.TABLE} <= tables


def _analysed(url: str) -> set[str]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        return {
            name
            for (name,) in conn.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
            )
        }


@postgresql_only
def test_migrating_analyses_the_tables_it_created_or_filled() -> None:
    run_db = f"schoolchat_migrate_{os.getpid()}"
    url = _postgres_database(run_db)
    try:
        upgrade(url)
        assert {"messages", "conversations", "memberships", "events"} <= _analysed(url)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
