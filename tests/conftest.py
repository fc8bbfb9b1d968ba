"""Fixtures: a real, migrated database per test (a SQLite file, or PostgreSQL when asked), the app, a client.

Choose the database with SCHOOLCHAT_TEST_DATABASE=sqlite (default) or postgresql. PostgreSQL is reached at
SCHOOLCHAT_TEST_POSTGRES_URL (default 127.0.0.1:5432, database ``test``); each run works in a database of its
own, created and dropped here. When PostgreSQL is unreachable the tests skip with the reason, except under
CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import text

from schoolchat.app import create_app
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services
from schoolchat.tables import metadata
from tests.factories import Factory
from tests.openapi_check import app_client
from tests.realtime.processes import RedisProcess

DATABASE_KIND = os.environ.get("SCHOOLCHAT_TEST_DATABASE", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get(
    "SCHOOLCHAT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SECRET = "test-secret-key-0123456789"


def _postgres_database(run_db: str) -> str:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{run_db}"')
            conn.execute(f'CREATE DATABASE "{run_db}"')
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is unreachable at {POSTGRES_ADMIN_URL}: {exc}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{run_db}"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per run: a SQLite template file, or a PostgreSQL database of this run."""
    if DATABASE_KIND == "postgresql":
        run_db = f"schoolchat_test_{os.getpid()}"
        url = _postgres_database(run_db)
        upgrade(url)
        yield url
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
    else:
        template = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite+aiosqlite:///{template}")
        yield str(template)


@pytest.fixture
async def database_url(migrated_database: str, tmp_path: Path) -> AsyncIterator[str]:
    """A clean database for one test."""
    if DATABASE_KIND == "postgresql":
        db = Database(migrated_database)
        tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
        async with db.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await db.dispose()
        yield migrated_database
    else:
        path = tmp_path / "schoolchat.db"
        shutil.copyfile(migrated_database, path)
        yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, secret_key=SECRET, data_dir=tmp_path, max_message_length=2000)


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    db = Database(settings.effective_database_url)
    yield Services(settings, db, MemoryBus())
    await db.dispose()


@pytest.fixture
async def second_services(settings: Settings) -> AsyncIterator[Services]:
    """Another process's view of the same database: its own engine (and on SQLite its own write lock)."""
    db = Database(settings.effective_database_url)
    yield Services(settings, db, MemoryBus())
    await db.dispose()


@pytest.fixture
def app(services: Services):  # type: ignore[no-untyped-def]
    return create_app(services.settings, db=services.db, bus=services.bus)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """A client of the app, whose every answer is held to the OpenAPI document (tests/openapi_check.py)."""
    async with app_client(app) as http:
        yield http


@pytest.fixture
async def make(services: Services) -> Factory:
    """Builds schools, people, courses and projects directly in the database (fast), and logs people in."""
    factory = Factory(services)
    await factory.setup()
    return factory


@pytest.fixture
async def redis_server() -> AsyncIterator[RedisProcess]:
    """A redis-server of the test's own (tests/realtime/processes.py)."""
    server = RedisProcess()
    await server.start()
    yield server
    await server.stop()
