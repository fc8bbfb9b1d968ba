"""Keeping the search index in step with messages: building blocks for the actions that write them.

A message is indexed under the words of its text and of its attachments' names (links are part of the text),
when ``policy.search.is_searchable`` allows; a deleted or moderated message leaves the index in the same
transaction that deletes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from schoolchat.attachments.models import attachments, message_attachments
from schoolchat.conversations.models import conversations
from schoolchat.db import Tx, fulltext
from schoolchat.kinds import ConversationKind
from schoolchat.messages.models import messages
from schoolchat.policy.search import is_searchable
from schoolchat.search.text import tokens


def document(body: str, attachment_names: Sequence[str]) -> list[str]:
    """The words a message is found by."""
    return tokens("\n".join([body, *attachment_names]))


async def index_message(
    tx: Tx,
    message_id: int,
    conversation_id: int,
    conversation_kind: ConversationKind,
    body: str,
    attachment_names: Sequence[str],
    *,
    system_notice: bool = False,
    new: bool = False,
) -> None:
    """Index a new (``new``) or edited message, or take it out when it may not be searched."""
    searchable = is_searchable(conversation_kind, system_notice=system_notice)
    words = document(body, attachment_names) if searchable else []
    if new:
        await fulltext.add(tx, message_id, conversation_id, words)
    else:
        await fulltext.put(tx.conn, message_id, conversation_id, words)


async def forget_messages(tx: Tx, message_ids: Sequence[int]) -> None:
    """Take deleted, moderated or erased messages out of the index."""
    await fulltext.remove(tx.conn, message_ids)


def backfill(conn: Connection, batch: int = 20_000) -> int:
    """Index every message not deleted (the migration that creates the index, and benchmark fills); returns how
    many were indexed. Runs synchronously, a batch at a time, in the caller's transaction."""
    names: dict[int, list[str]] = {}
    for message_id, name in conn.execute(
        select(message_attachments.c.message_id, attachments.c.name)
        .join(attachments, attachments.c.id == message_attachments.c.attachment_id)
        .order_by(message_attachments.c.message_id, message_attachments.c.position)
    ):
        names.setdefault(message_id, []).append(name)
    query = (
        select(messages.c.id, messages.c.conversation_id, conversations.c.kind, messages.c.body)
        .join(conversations, conversations.c.id == messages.c.conversation_id)
        .where(messages.c.deleted_at.is_(None))
        .order_by(messages.c.id)
        .execution_options(yield_per=batch)
    )
    count, rows = 0, []
    for message_id, conversation_id, kind, body in conn.execute(query):
        if is_searchable(kind, system_notice=False):
            rows.append((message_id, conversation_id, document(body, names.get(message_id, []))))
        if len(rows) >= batch:
            fulltext.put_many(conn, rows)
            count, rows = count + len(rows), []
    fulltext.put_many(conn, rows)
    fulltext.optimize(conn)
    return count + len(rows)
