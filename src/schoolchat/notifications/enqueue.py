"""The send path's one write for notifications: a job naming the message (never its text, never recipients);
and the one write of a safeguarding alert, which names a report.

Kept apart from the rest of ``notifications`` so that sending a message imports nothing but the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert

from schoolchat.db import Tx
from schoolchat.db.prepared import Prepared
from schoolchat.notifications.models import notification_items, notification_jobs

_INSERT_JOB = Prepared(
    insert(notification_jobs).values(
        message_id=bindparam("message_id"),
        conversation_id=bindparam("conversation_id"),
        urgent=bindparam("urgent"),
        status="queued",
        created_at=bindparam("now"),
    )
)


async def notify_later(
    tx: Tx, message_id: int, conversation_id: int, *, now: datetime, urgent: bool = False
) -> None:
    """Queue the message for the notification worker, in the sender's transaction (so it exists iff the message does).
    Nothing in that transaction reads the job back, so on PostgreSQL it goes with the commit (one round trip less)."""
    await _INSERT_JOB.later(
        tx, message_id=message_id, conversation_id=conversation_id, urgent=urgent, now=now
    )


async def alert_now(
    tx: Tx,
    report_id: int,
    conversation_id: int,
    user_ids: Sequence[int],
    channels: Iterable[str],
    *,
    now: datetime,
) -> None:
    """A safeguarding alert (a self-harm concern): items due now for each person and channel, naming the report.
    Due at once, they leave with the worker's next round: no digest waits for them and quiet hours do not apply
    (``policy.notifications.due_times`` is not asked). The email or push says only that a concern waits in
    Reports, never the pupil's name or words."""
    rows = [
        {
            "user_id": user_id,
            "channel": channel,
            "conversation_id": conversation_id,
            "message_id": None,
            "report_id": report_id,
            "due_at": now,
            "send_id": None,
        }
        for user_id in user_ids
        for channel in sorted(channels)
    ]
    if rows:
        await tx.conn.execute(insert(notification_items), rows)
