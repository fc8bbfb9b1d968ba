"""The PostgreSQL connection pool is sized by a setting (docs/operations.md), not fixed in the code."""

from __future__ import annotations

from schoolchat.app import create_app
from schoolchat.config import Settings


async def test_database_pool_size_setting_sizes_the_postgresql_pool() -> None:
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:5432/unused",
        database_pool_size=5,
        secret_key="test-secret-key-not-for-production-0123456789",
    )
    db = create_app(settings).state.services.db
    try:
        assert db.engine.pool.size() == 5  # type: ignore[attr-defined]
    finally:
        await db.dispose()
