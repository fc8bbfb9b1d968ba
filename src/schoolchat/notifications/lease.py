"""Taking one row of a durable work queue under a lease, safely against other processes.

The same protocol as mass message delivery: the oldest claimable rows are taken with an ``UPDATE … WHERE id IN
(oldest) AND <claimable>`` that repeats the condition, so when two processes race on PostgreSQL the second
re-checks the winner's rows and takes none of them; SQLite serialises writers anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Table, select, update

from schoolchat.db import Tx


async def claim_oldest(
    tx: Tx, table: Table, claimable: ColumnElement[bool], values: Mapping[str, Any], limit: int = 1
) -> list[Any]:
    """Mark the (up to ``limit``) oldest claimable rows with ``values`` and return them, oldest first."""
    oldest = select(table.c.id).where(claimable).order_by(table.c.id).limit(limit)
    rows = (
        await tx.conn.execute(
            update(table).where(table.c.id.in_(oldest), claimable).values(**values).returning(*table.c)
        )
    ).all()
    return sorted(rows, key=lambda row: row.id)
