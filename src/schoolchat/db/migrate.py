"""Alembic, driven from code: the migrations ship inside the package so an installed service can migrate."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def sync_url(url: str) -> str:
    """The synchronous driver for an async URL; migrations run synchronously."""
    if url.startswith("sqlite+aiosqlite"):
        return "sqlite" + url[len("sqlite+aiosqlite") :]
    if url.startswith("postgresql+asyncpg"):
        return "postgresql+psycopg" + url[len("postgresql+asyncpg") :]
    return url


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply every migration; "heads" also covers branches that two lines of work added side by side.

    When any migration ran, PostgreSQL's statistics are gathered afresh (``ANALYZE``): migrations create tables
    and move rows, and a planner without statistics scans and sorts a whole conversation for one history page.
    Autovacuum keeps them current afterwards (docs/operations.md); this covers the time until it gets there, and
    servers where it is off. SQLite's planner picks the same indexes without statistics."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
    before = _applied(url)
    command.upgrade(alembic_config(url), revision)
    if _applied(url) != before:
        _analyse(url)


def _applied(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def _analyse(url: str) -> None:
    """Gather PostgreSQL's planner statistics for every table now (on SQLite, nothing)."""
    if url.startswith("sqlite"):
        return
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
