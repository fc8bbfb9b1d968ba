"""The send path's one write for notifications: a job naming the message (never its text, never recipients).

Kept apart from the rest of ``notifications`` so that sending a message imports nothing but the table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert

from schoolchat.db import Tx
from schoolchat.db.prepared import Prepared
from schoolchat.notifications.models import notification_jobs

_INSERT_JOB = Prepared(insert(notification_jobs).values(
    message_id=bindparam("message_id"), conversation_id=bindparam("conversation_id"), urgent=bindparam("urgent"),
    status="queued", created_at=bindparam("now")))


async def notify_later(tx: Tx, message_id: int, conversation_id: int, *, now: datetime, urgent: bool = False) -> None:
    """Queue the message for the notification worker, in the sender's transaction (so it exists iff the message does).
    Nothing in that transaction reads the job back, so on PostgreSQL it goes with the commit (one round trip less)."""
    await _INSERT_JOB.later(tx, message_id=message_id, conversation_id=conversation_id, urgent=urgent, now=now)
