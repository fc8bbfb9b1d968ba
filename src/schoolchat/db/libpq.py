"""Statements sent to PostgreSQL in one libpq pipeline, under psycopg's cursors: the hot paths' round trips.

psycopg's own pipeline (a cursor per statement, its query conversion, its generators and waits through the
event loop for every statement sent) costs ~0.40 ms of CPU for a transaction of three statements and ~0.76 ms for
nine on this machine; the same work on the connection's libpq object, with psycopg's compiled ``Transformer``
converting parameters and rows, ~0.07 and ~0.12 ms (docs/performance.md, issue 17's fourth session). A send
makes three such round trips. So ``db.prepared`` runs its statements here: each already in PostgreSQL's own
``$1`` form with its parameters in order, all sent before one wait, then each one's rows read back. Each
statement is prepared on the connection by name the first time it is sent with those parameter types (in the
same pipeline), and executed by name after that, so PostgreSQL plans it once per connection as it did for
psycopg's own prepared statements.

The connection stays psycopg's: its transaction state is libpq's, which psycopg reads as it is, and an error
comes back as the psycopg exception psycopg itself would raise (``UniqueViolation`` …). A wait cut short (the
task cancelled) cancels the statement on the server and reads the pipeline to its end (``_recover``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import abc, pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.errors import error_from_result

_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%")
_BEGIN = b"BEGIN"
_COMMIT = b"COMMIT"
_STATE = "schoolchat_libpq"  # psycopg connection attribute holding its _State

MakeRow = Callable[[Sequence[Any]], Any]
# A statement as ``run`` sends it: its SQL in ``$n`` form, its values in that order, and what makes each of its
# rows from psycopg's tuple of loaded values (the caller's row type, built once a row).
Statement = tuple[bytes, Sequence[Any], MakeRow]


def numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """A statement compiled for psycopg (``%(name)s`` placeholders) in PostgreSQL's ``$n`` form, and the
    parameter names in the order of their numbers (a name used twice keeps one number)."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PLACEHOLDER.sub(number, sql).encode(), tuple(names)


async def run(
    driver: psycopg.AsyncConnection[Any],
    statements: Sequence[Statement],
    *,
    commit: bool = False,
) -> list[list[Any]]:
    """Send ``statements`` (and ``COMMIT`` with ``commit``) in one pipeline, behind a ``BEGIN`` when the
    connection is in no transaction and not in autocommit, as psycopg would send it; each statement's rows, each
    made by its ``MakeRow``. The first failure raises once every answer has been read."""
    pgconn = driver.pgconn
    state = _state(driver)
    begin = not driver.autocommit and pgconn.transaction_status == pq.TransactionStatus.IDLE
    # Statements prepared in this pipeline: their name, and the index of the preparation's result.
    preparing: dict[tuple[bytes, tuple[int, ...]], tuple[bytes, int]] = {}
    answers: list[int] = []  # result index of each statement's answer
    async with driver.lock:
        pgconn.enter_pipeline_mode()
        try:
            sent = 0
            if begin:
                pgconn.send_query_params(_BEGIN, None)
                sent += 1
            for sql, values, _ in statements:
                dumped = state.transformer.dump_sequence(values, [PyFormat.AUTO] * len(values))
                types = tuple(state.transformer.types or ())
                name = state.names.get((sql, types)) or preparing.get((sql, types), (None, 0))[0]
                if name is None:
                    state.made += 1
                    name = f"schoolchat_{state.made}".encode()
                    pgconn.send_prepare(name, sql, types)
                    preparing[sql, types] = (name, sent)
                    sent += 1
                pgconn.send_query_prepared(name, dumped, state.transformer.formats)
                answers.append(sent)
                sent += 1
            if commit:
                pgconn.send_query_params(_COMMIT, None)
            pgconn.pipeline_sync()
            results = await _answers(driver)
            pgconn.exit_pipeline_mode()
        except BaseException:
            _recover(pgconn, len(statements))
            raise
    for key, (name, index) in preparing.items():  # an aborted pipeline skipped its later preparations
        if results[index].status == pq.ExecStatus.COMMAND_OK:
            state.names[key] = name
    failed = next((result for result in results if result.status == pq.ExecStatus.FATAL_ERROR), None)
    if failed is not None:
        raise error_from_result(failed, driver.info.encoding)
    return [
        _rows(state.transformer, results[index], make_row)
        for index, (_, _, make_row) in zip(answers, statements)
    ]


@dataclass
class _State:
    """What a connection keeps for this module: its Transformer, and the statements prepared on it by name."""

    transformer: abc.Transformer
    names: dict[tuple[bytes, tuple[int, ...]], bytes] = field(default_factory=dict)
    made: int = 0  # names given so far (one that failed to prepare is not given again)


def _state(driver: psycopg.AsyncConnection[Any]) -> _State:
    found: _State | None = getattr(driver, _STATE, None)
    if found is None:
        found = _State(Transformer(driver))
        setattr(driver, _STATE, found)
    return found


async def _answers(driver: psycopg.AsyncConnection[Any]) -> list[pq.abc.PGresult]:
    """Every statement's result up to the pipeline's sync point, waiting on the socket through the event loop."""
    pgconn = driver.pgconn
    loop = asyncio.get_running_loop()
    while pgconn.flush():
        await _ready(loop, pgconn.socket, write=True)
    results: list[pq.abc.PGresult] = []
    while True:
        while pgconn.is_busy():
            await _ready(loop, pgconn.socket, write=False)
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:  # between one statement's results and the next
            continue
        if result.status == pq.ExecStatus.PIPELINE_SYNC:
            return results
        results.append(result)


async def _ready(loop: asyncio.AbstractEventLoop, fd: int, *, write: bool) -> None:
    ready = loop.create_future()
    (loop.add_writer if write else loop.add_reader)(fd, _wake, ready)
    try:
        await ready
    finally:
        (loop.remove_writer if write else loop.remove_reader)(fd)


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


def _recover(pgconn: pq.abc.PGconn, statements: int) -> None:
    """After a wait cut short (the task cancelled): the running statement is cancelled on the server and the
    pipeline's answers are read to its sync point, blocking for the moment that takes on this rare path, so the
    connection can be rolled back and used again, as psycopg does with its own; if that fails, it is closed and
    the pool replaces it."""
    if pgconn.pipeline_status == pq.PipelineStatus.OFF:
        return
    try:
        pgconn.get_cancel().cancel()
        pgconn.nonblocking = 0
        pgconn.flush()
        for _ in range(2 * statements + 8):  # BEGIN, prepares, statements, COMMIT and the gaps between them
            result = pgconn.get_result()
            if result is not None and result.status == pq.ExecStatus.PIPELINE_SYNC:
                pgconn.exit_pipeline_mode()
                pgconn.nonblocking = 1
                return
    except psycopg.Error:
        pass
    pgconn.finish()


def _rows(transformer: abc.Transformer, result: pq.abc.PGresult, make_row: MakeRow) -> list[Any]:
    if result.status != pq.ExecStatus.TUPLES_OK or not result.ntuples:
        return []
    transformer.set_pgresult(result)
    rows = transformer.load_rows(0, result.ntuples, make_row)
    transformer.set_pgresult(None)  # the connection keeps no answer (message text) once it has been read
    return rows
