"""The claim the privacy jobs (erasures, retention runs) take on their row for each batch, against other processes.

Every process runs the privacy round (``serve --workers N`` starts several), so two may work on the same erasure or
retention run at once. Each batch's transaction first locks the job's row (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite's write transactions are one at a time anyway) and reads it again: the second process waits until the
first batch has committed, then sees what it did — the messages it erased, the run it finished — and does only
what is left. Batches are short, so the wait is too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select

from schoolchat.db import Tx


async def claim_unfinished(tx: Tx, table: Table, job_id: int) -> Any | None:
    """The job's row, locked for ``tx``; None when it is finished (``finished_at`` set), by this process or another."""
    row = (await tx.conn.execute(select(table).where(table.c.id == job_id).with_for_update())).one()
    return None if row.finished_at is not None else row
