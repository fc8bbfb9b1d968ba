"""Statements compiled once and run straight on the driver connection: the hot paths' SQL (a send, access checks)
without SQLAlchemy's per-execution work.

Executing a Core statement costs ~40 µs of CPU here even when it is built once and its compiled form is cached
(cache key, execution context, result set-up, greenlet switches), against ~3 µs for SQLite itself; a send runs
about ten statements. A ``Prepared`` is written like any Core statement, with ``bindparam`` for what varies. On
first use with a dialect it is compiled, and the conversions its parameters and columns need (UTC datetimes,
booleans, JSON) are looked up once; each call then converts, runs the SQL on the raw DBAPI connection inside the
caller's transaction, and hands back rows as named tuples (attribute access, like Core rows). Driver errors
surface as SQLAlchemy's exceptions (``IntegrityError`` …), as a Core execution raises them, and writes are noted
for ``Database.on_committed_write`` like any other.

Statements with expanding ``IN`` lists cannot be compiled once (one placeholder per id); a list of ids is one
parameter with ``db.expressions.among`` instead, whatever its length. Drivers other
than SQLite's and psycopg run a ``Prepared`` through ``conn.execute``: correct, only not faster.

Round trips are what a PostgreSQL statement costs most: each is a wait through the event loop, ~0.1–0.3 ms of CPU
(the loop's wake-up, psycopg's result handling) and, under load, milliseconds of wall time during which the
transaction holds its locks. So on psycopg (through ``db.libpq``, beneath psycopg's cursors):
- the statement that begins a transaction goes out in one pipeline with its ``BEGIN`` (one round trip);
- ``together`` sends several statements at once and waits once (on SQLite they simply run one after another);
- ``later`` queues a statement whose rows nobody needs before the commit; it goes out with the ``COMMIT``
  (``Tx.queue``), and its rows are there afterwards. On SQLite it runs at once.
Each is prepared on the server by name the first time a connection sends it, and executed by name after that.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.expression import ClauseElement, Executable

from schoolchat.db import libpq
from schoolchat.db.engine import Queued, Tx, note_written, run_on_sqlite, sync_of

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # parameter names in placeholder order (qmark), None for named placeholders
    defaults: dict[str, Any]  # values bound inside the statement itself (``last_seq + 1``, a LIMIT)
    binds: tuple[tuple[str, Processor], ...]  # parameters that need converting for this driver
    make_row: libpq.MakeRow  # a result row (a named tuple) from the driver's values, converted where needed
    table: str | None  # the table an INSERT, UPDATE or DELETE writes
    # psycopg: the statement in ``$n`` form and its parameters' names in that order (``libpq.run`` sends it)
    numbered: tuple[bytes, tuple[str, ...]] | None


class Prepared:
    """A Core statement to be run many times with different parameters (see the module's docstring)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    async def all(self, conn: AsyncConnection, **params: Any) -> list[Any]:
        return (await together(conn, (self, params)))[0]

    async def later(self, tx: Tx, **params: Any) -> Later:
        """Run with the transaction's commit on PostgreSQL, at once elsewhere; see the module's docstring."""
        conn = tx.conn
        if not isinstance(sync_of(conn).connection.driver_connection, psycopg.AsyncConnection):
            return Later(await self.all(conn, **params))
        compiled = self._for(conn.dialect)
        handle = Later()
        tx.queue(Queued(*_numbered(compiled, params), handle.receive))
        _note(conn, compiled)
        return handle

    async def first(self, conn: AsyncConnection, **params: Any) -> Any | None:
        rows = await self.all(conn, **params)
        return rows[0] if rows else None

    async def scalar(self, conn: AsyncConnection, **params: Any) -> Any:
        row = await self.first(conn, **params)
        return None if row is None else row[0]

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return found


class Later:
    """The rows of a statement sent with its transaction's commit: ``rows`` once the write has committed."""

    __slots__ = ("_waiting", "rows")

    def __init__(self, rows: list[Any] | None = None) -> None:
        self._waiting: list[Callable[[list[Any]], None]] = []
        self.rows = rows

    def receive(self, rows: list[Any]) -> None:
        self.rows = rows
        for callback in self._waiting:
            callback(self.rows)

    def then(self, callback: Callable[[list[Any]], None]) -> None:
        """Hand the rows to ``callback``: now if the statement has run, else as soon as its commit returns (before
        any after-commit work, so what that work sends already carries them)."""
        if self.rows is not None:
            callback(self.rows)
        else:
            self._waiting.append(callback)

    def scalar(self) -> Any:
        if self.rows is None:
            raise RuntimeError("the statement has not run yet: its transaction has not committed")
        return self.rows[0][0] if self.rows else None


async def together(conn: AsyncConnection, *calls: tuple[Prepared, dict[str, Any]]) -> list[list[Any]]:
    """Run the statements in order and return each one's rows: in one round trip on psycopg (a pipeline), so a
    statement cannot use an earlier one's rows as parameters — it can read what an earlier one wrote, in SQL."""
    driver = sync_of(conn).connection.driver_connection
    if isinstance(driver, psycopg.AsyncConnection):
        return await _on_psycopg(conn, driver, calls)
    if conn.dialect.name != "sqlite":
        return [list((await conn.execute(prepared.statement, params)).all()) for prepared, params in calls]
    results = []
    for prepared, params in calls:
        compiled = prepared._for(conn.dialect)
        values = _values(compiled, params)
        try:
            raw = run_on_sqlite(driver, compiled.sql, values)
        except sqlite3.Error as exc:
            raise DBAPIError.instance(compiled.sql, values, exc, sqlite3.Error) from exc
        _note(conn, compiled)
        results.append([compiled.make_row(each) for each in raw])
    return results


async def _on_psycopg(
    conn: AsyncConnection, driver: psycopg.AsyncConnection, calls: Sequence[tuple[Prepared, dict[str, Any]]]
) -> list[list[Any]]:
    compiled = [prepared._for(conn.dialect) for prepared, _ in calls]
    try:
        raws = await libpq.run(
            driver, [_numbered(each, params) for each, (_, params) in zip(compiled, calls)]
        )
    except psycopg.Error as exc:
        raise DBAPIError.instance(
            ";\n".join(each.sql for each in compiled), None, exc, psycopg.Error
        ) from exc
    for each in compiled:
        _note(conn, each)
    return raws


def _numbered(compiled: _Compiled, params: dict[str, Any]) -> libpq.Statement:
    """The statement as ``libpq.run`` sends it."""
    if compiled.numbered is None:
        raise TypeError("not compiled for psycopg")
    sql, order = compiled.numbered
    values = _values(compiled, params)
    assert isinstance(values, dict)  # psycopg's placeholders are named
    return sql, [values[name] for name in order], compiled.make_row


def _note(conn: AsyncConnection, compiled: _Compiled) -> None:
    if compiled.table is not None:
        note_written(sync_of(conn), compiled.table)


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    if not isinstance(
        statement, ClauseElement
    ):  # every Core statement is both; Executable alone has no compile()
        raise TypeError(f"not a Core statement: {type(statement).__name__}")
    compiled = statement.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"not a SQL statement: {type(statement).__name__}")
    binds: list[tuple[str, Processor]] = []
    defaults: dict[str, Any] = {}
    for name, bind in compiled.binds.items():
        if not bind.required:
            defaults[name] = bind.effective_value
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            binds.append((name, processor))
    columns = list(getattr(statement, "exported_columns", ()))
    results = []
    for index, column in enumerate(columns):
        processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if processor is not None:
            results.append((index, processor))
    row = namedtuple("Row", [column.key for column in columns] or ["_"], rename=True)  # type: ignore[misc]
    table = (
        statement.table if isinstance(statement, UpdateBase) and isinstance(statement.table, Table) else None
    )
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
    return _Compiled(
        compiled.string,
        order,
        defaults,
        tuple(binds),
        _converting(row._make, tuple(results)) if results else row._make,
        None if table is None else table.name,
        libpq.numbered(compiled.string) if dialect.driver == "psycopg" else None,
    )


def _values(compiled: _Compiled, params: dict[str, Any]) -> Sequence[Any] | dict[str, Any]:
    values = {**compiled.defaults, **params} if compiled.defaults else dict(params)
    for name, processor in compiled.binds:
        values[name] = processor(values[name])
    return values if compiled.order is None else [values[name] for name in compiled.order]


def _converting(make: libpq.MakeRow, results: tuple[tuple[int, Processor], ...]) -> libpq.MakeRow:
    """``make``, after converting the columns that need it."""

    def converted(values: Sequence[Any]) -> Any:
        converting = list(values)
        for index, processor in results:
            converting[index] = processor(converting[index])
        return make(converting)

    return converted
