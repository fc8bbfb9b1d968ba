"""Insert-or-ignore and insert-or-update, which SQLite and PostgreSQL spell alike but import from different places."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: Table) -> Any:
    return (sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert)(table)


async def insert_ignoring_conflicts(
    conn: AsyncConnection, table: Table, rows: Sequence[Mapping[str, Any]], key: Iterable[str]
) -> None:
    """Insert rows; a row whose ``key`` already exists is left as it was."""
    if rows:
        await conn.execute(_insert(conn, table).on_conflict_do_nothing(index_elements=list(key)), list(rows))


async def upsert(
    conn: AsyncConnection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Iterable[str],
    update: Iterable[str],
) -> None:
    """Insert rows; where ``key`` exists, overwrite the ``update`` columns with the new values."""
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={name: stmt.excluded[name] for name in update}
    )
    await conn.execute(stmt, list(rows))


async def insert_unless_exists(
    conn: AsyncConnection, table: Table, values: Mapping[str, Any], key: Iterable[str]
) -> int | None:
    """Insert one row and return its id, or None when a row with the same ``key`` is already there."""
    stmt = _insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=list(key))
    return (await conn.execute(stmt.returning(table.c.id))).scalar_one_or_none()
