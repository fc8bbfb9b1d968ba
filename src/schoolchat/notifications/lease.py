"""Taking one row of a durable work queue under a lease, safely against other processes.

The same protocol as mass message delivery: the oldest claimable row is taken with an ``UPDATE … WHERE id =
(oldest) AND <claimable>`` that repeats the condition, so when two processes race on PostgreSQL the second
re-checks the winner's row and updates nothing; SQLite serialises writers anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Table, select, update

from schoolchat.db import Tx


async def claim_oldest(tx: Tx, table: Table, claimable: ColumnElement[bool], values: Mapping[str, Any]) -> Any:
    """Mark the oldest claimable row with ``values`` and return it, or None when there is none."""
    oldest = select(table.c.id).where(claimable).order_by(table.c.id).limit(1).scalar_subquery()
    return (await tx.conn.execute(update(table).where(table.c.id == oldest, claimable).values(**values)
                                  .returning(*table.c))).first()
