"""Full-text search over messages: one interface over SQLite FTS5 and PostgreSQL tsvector/GIN.

The index is fed *words*, not text: ``search.text.tokens`` has already split, case-folded and stripped accents
and emoji, so both databases hold exactly the same terms and match alike: all terms required, each a whole word
except the last, which matches the start of a word (search as you type). Only the last term is a prefix because a
prefix makes FTS5 merge every matching posting list before it can answer newest-first (a common word costs
milliseconds), while whole words stream. What differs is only how the terms are stored and matched:

- SQLite: an FTS5 table ``message_search`` (rowid = message id) with the words in one column and the
  conversation as a term ``c<id>`` in another, so a search restricted to a set of conversations intersects two
  posting lists instead of checking rows one by one. The ``ascii`` tokenizer splits on the spaces between our
  words and leaves every non-ASCII letter alone.
- PostgreSQL: a table ``message_search(message_id, conversation_id, words tsvector)`` with a GIN index on the
  words; the vector is built with ``array_to_tsvector`` and queries are cast to ``tsquery`` from quoted lexemes,
  so PostgreSQL's own parser (which would split URLs and hyphenated words its own way) is never involved.

The index is kept in step explicitly by the actions that write messages (``search.index``), not by triggers:
what may be indexed is a rule in Python (``policy.search``), which SQL triggers could not apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.db.engine import Tx
from schoolchat.db.prepared import Prepared

TABLE = "message_search"


def create_statements(dialect: str) -> list[str]:
    """DDL for the index (run by the migration)."""
    if dialect == "sqlite":
        return [
            (
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(words, conversation, tokenize='ascii', "
                "prefix='2 3', detail=column)"
            )
        ]
    return [
        (
            f"CREATE TABLE {TABLE} (message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE, "
            "conversation_id INTEGER NOT NULL, words TSVECTOR NOT NULL)"
        ),
        f"CREATE INDEX ix_{TABLE}_words ON {TABLE} USING gin (words)",
        f"CREATE INDEX ix_{TABLE}_conversation ON {TABLE} (conversation_id, message_id)",
    ]


# Putting a message into the index: SQLite replaces a row by deleting it first; PostgreSQL upserts.
_INSERT = {
    "sqlite": text(
        f"INSERT INTO {TABLE} (rowid, words, conversation) VALUES (:message_id, :words, :conversation)"
    ),
    "postgresql": text(
        f"INSERT INTO {TABLE} (message_id, conversation_id, words) "
        "VALUES (:message_id, :conversation_id, array_to_tsvector(CAST(:terms AS text[]))) "
        "ON CONFLICT (message_id) DO UPDATE SET words = excluded.words, "
        "conversation_id = excluded.conversation_id"
    ),
}
_PREPARED_INSERT = {dialect: Prepared(statement) for dialect, statement in _INSERT.items()}


def _put_statements(dialect: str) -> list[TextClause]:
    if dialect == "sqlite":
        return [text(f"DELETE FROM {TABLE} WHERE rowid = :message_id"), _INSERT[dialect]]
    return [_INSERT[dialect]]


def _put_params(message_id: int, conversation_id: int, terms: Sequence[str]) -> dict[str, Any]:
    unique = sorted(set(terms))
    return {
        "message_id": message_id,
        "conversation_id": conversation_id,
        "terms": unique,
        "words": " ".join(unique),
        "conversation": f"c{conversation_id}",
    }


async def put(conn: AsyncConnection, message_id: int, conversation_id: int, terms: Sequence[str]) -> None:
    """Index (or re-index) one message under ``terms``; no terms means not indexed at all."""
    if not terms:
        await remove(conn, [message_id])
        return
    for statement in _put_statements(conn.dialect.name):
        await conn.execute(statement, _put_params(message_id, conversation_id, terms))


async def add(tx: Tx, message_id: int, conversation_id: int, terms: Sequence[str]) -> None:
    """Index a message that is not in the index yet (a new one) under ``terms``; no terms, no entry. (Nothing in
    the writing transaction reads the entry back, so on PostgreSQL it goes with the commit.)"""
    if terms:
        await _PREPARED_INSERT[tx.conn.dialect.name].later(
            tx, **_put_params(message_id, conversation_id, terms)
        )


def put_many(conn: Connection, rows: Sequence[tuple[int, int, Sequence[str]]]) -> None:
    """Index many messages at once (synchronously: the migration's backfill and the benchmark's fill)."""
    params = [_put_params(*row) for row in rows if row[2]]
    if params:
        for statement in _put_statements(conn.dialect.name):
            conn.execute(statement, params)


async def remove(conn: AsyncConnection, message_ids: Sequence[int]) -> None:
    if not message_ids:
        return
    key = "rowid" if conn.dialect.name == "sqlite" else "message_id"
    placeholders = ", ".join(f":id{i}" for i in range(len(message_ids)))
    await conn.execute(
        text(f"DELETE FROM {TABLE} WHERE {key} IN ({placeholders})"),
        {f"id{i}": message_id for i, message_id in enumerate(message_ids)},
    )


async def match(
    conn: AsyncConnection,
    terms: Sequence[str],
    conversation_ids: Sequence[int],
    *,
    before_id: int | None,
    limit: int,
) -> list[int]:
    """Ids of the messages in ``conversation_ids`` holding every term (the last as a prefix), newest first."""
    if not terms or not conversation_ids:
        return []
    params: Mapping[str, Any]
    if conn.dialect.name == "sqlite":
        words = " AND ".join([*(f'"{term}"' for term in terms[:-1]), f'"{terms[-1]}"*'])
        where = " OR ".join(f"c{conversation_id}" for conversation_id in sorted(set(conversation_ids)))
        sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :query"
        if before_id is not None:
            sql += " AND rowid < :before_id"
        sql += " ORDER BY rowid DESC LIMIT :limit"
        params = {
            "query": f"words : ({words}) AND conversation : ({where})",
            "before_id": before_id,
            "limit": limit,
        }
    else:
        sql = (
            f"SELECT message_id FROM {TABLE} WHERE words @@ CAST(:query AS tsquery) "
            "AND conversation_id = ANY(:conversation_ids)"
        )
        if before_id is not None:
            sql += " AND message_id < :before_id"
        sql += " ORDER BY message_id DESC LIMIT :limit"
        params = {
            "query": " & ".join([*(f"'{term}'" for term in terms[:-1]), f"'{terms[-1]}':*"]),
            "conversation_ids": sorted(set(conversation_ids)),
            "before_id": before_id,
            "limit": limit,
        }
    return list((await conn.execute(text(sql), params)).scalars())


def optimize(conn: Connection) -> None:
    """After a bulk fill: SQLite merges the FTS5 segments into one (queries then read one posting list per term);
    PostgreSQL's GIN needs nothing."""
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"))
