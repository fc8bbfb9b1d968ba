"""SQL expressions that each dialect spells its own way, for statements written once in Core.

- ``next_id(table)``: an id for a row not inserted yet. PostgreSQL takes it from the table's sequence, so a
  statement sent later in the same transaction can use it before the row exists (a send reserves its message's
  id in a read's round trip, then sends the whole write with the ``COMMIT``). SQLite has no sequences and
  assigns the rowid at the insert: there it is ``NULL``, which an ``INTEGER PRIMARY KEY`` turns into the next id.
- ``json_set(document, path, value)``: ``document`` with the value at ``path`` (keys from the top) set to
  ``value``, computed by the database: a row written in the same round trip as the one it reads from
  (``jsonb_set`` on PostgreSQL, ``json_set`` on SQLite).
- ``among(column, name)``: ``column`` is one of the ids given as the one parameter ``name`` (a list). An ``IN``
  list has one placeholder per id, so its statement is compiled anew for every length and cannot be a
  ``Prepared``; this one is the same statement for any number of ids. ``among(column, ids)`` binds the ids
  themselves, for a statement built once with them: thousands of ids are one parameter, not thousands that
  SQLAlchemy and the driver each write into the SQL. PostgreSQL takes the list as an array
  (``= ANY``), SQLite as a JSON array it reads with ``json_each``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, Table, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from schoolchat.db.types import IdList


class next_id(FunctionElement[int]):
    type = Integer()
    inherit_cache = False  # the table is not part of SQLAlchemy's cache key

    def __init__(self, table: Table) -> None:
        self.table = table
        super().__init__()


class json_set(FunctionElement[Any]):
    type = JSON()
    inherit_cache = False  # nor is the path

    def __init__(
        self, document: ColumnElement[Any], path: tuple[str, ...], value: ColumnElement[Any]
    ) -> None:
        self.path = path
        super().__init__(document, value)


class _Among(FunctionElement[bool]):
    type = Boolean()
    inherit_cache = True


def among(column: ColumnElement[int], ids: str | Iterable[int]) -> ColumnElement[bool]:
    """``column`` is one of the ids bound to the parameter named ``ids`` at each execution, or one of these ``ids``
    (see the module's docstring)."""
    if isinstance(ids, str):
        return _Among(column, bindparam(ids, type_=IdList()))
    return _Among(column, bindparam(None, sorted(ids), type_=IdList()))


@compiles(next_id, "postgresql")
def _next_id_postgresql(element: next_id, _compiler: SQLCompiler, **_kw: Any) -> str:
    return f"nextval(pg_get_serial_sequence('{element.table.name}', 'id'))"


@compiles(next_id, "sqlite")
def _next_id_sqlite(_element: next_id, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "NULL"


@compiles(json_set, "postgresql")
def _json_set_postgresql(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    document, value = (compiler.process(clause, **kw) for clause in element.clauses)
    path = "{" + ",".join(element.path) + "}"
    return f"CAST(jsonb_set(CAST({document} AS jsonb), '{path}', to_jsonb({value})) AS json)"


@compiles(json_set, "sqlite")
def _json_set_sqlite(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    document, value = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"json_set({document}, '$.{'.'.join(element.path)}', {value})"


@compiles(_Among, "postgresql")
def _among_postgresql(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"{column} = ANY({ids})"


@compiles(_Among, "sqlite")
def _among_sqlite(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"{column} IN (SELECT value FROM json_each({ids}))"
