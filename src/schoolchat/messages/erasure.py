"""The one path that takes a message's content out of every copy of it: deletes, moderator deletes and edits.

A message's text is copied, at write time, into more places than its row: the rendered HTML, its earlier texts
(``message_versions``, the edit history), the search index, the conversation list's preview, the event log
(``message.created``/``message.edited`` carry the text, the first with its preview, for as long as the log keeps them), and its files live in storage. Whatever removes or replaces content — a sender's delete,
a moderator's delete (§5.5), an edit, and later the erasure and retention jobs — goes through here, in the caller's
transaction, so every reader afterwards (history, a single message, search, the list, ``GET /api/events``, the
hub's resync, another process's catch-up) sees only what the message is now.

Not touched, on purpose: a forward is a new message of its forwarder (its own text stays), and a report's frozen
evidence keeps what was reported for the report's reviewers only ("removed from the conversation; kept as
evidence for this report"). A new place that holds message content must join this module, with its test in
``tests/messages/test_erasure.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update

from schoolchat.attachments import writes as attachment_writes
from schoolchat.conversations.models import conversations
from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.kinds import ConversationKind
from schoolchat.messages import queries, versions
from schoolchat.messages.models import messages
from schoolchat.messages.render import preview, render
from schoolchat.messages.schemas import MessageOut
from schoolchat.realtime import log
from schoolchat.realtime.events import EventType
from schoolchat.realtime.schemas import MessageChanged
from schoolchat.search import index as search_index
from schoolchat.services import Services

_PREVIEW_OF_LAST = (
    update(conversations)
    .where(conversations.c.id == bindparam("cid"), conversations.c.last_seq == bindparam("seq"))
    .values(last_message_preview=bindparam("text"))
)


def _event(wire: MessageOut) -> MessageChanged:
    return MessageChanged(conversation_id=wire.conversation_id, message=wire)


async def erase(
    tx: Tx, services: Services, message_ids: Sequence[int], *, by: int | None
) -> dict[int, MessageOut]:
    """Delete these messages' content from every copy, in ``tx``: the row keeps its place with a notice ("This
    message was deleted." when ``by`` is the author or nobody, "This message was removed by NAME" otherwise), and
    its text, HTML and files go, as do its search entry and the preview showing it; every logged event about it
    now carries the deleted message, and a ``message.deleted`` event tells the members. A "Sent to X people"
    message takes its copies in the recipients' 1:1s with it (a copy deleted in its 1:1 goes alone). Files no
    other message or report holds lose their row now and their bytes once ``tx`` commits. Messages already
    deleted are left as they are. Returns the messages deleted now, by id, as clients see them.

    For many messages (an erasure or retention job), pass a few hundred ids per transaction: each id is a bound
    parameter, and one transaction holds SQLite's write lock while it runs.
    """
    ids = sorted(set(message_ids))
    if not ids:
        return {}
    ids = sorted({*ids, *(await _copies(tx, ids))})
    ids = list(
        (
            await tx.conn.execute(
                update(messages)
                .where(messages.c.id.in_(ids), messages.c.deleted_at.is_(None))
                .values(body="", body_html="", deleted_at=utcnow(), deleted_by=by)
                .returning(messages.c.id)
            )
        )
        .scalars()
        .all()
    )
    if not ids:
        return {}
    await attachment_writes.discard_for_messages(tx, services, ids)
    await versions.forget(tx, ids)
    await search_index.forget_messages(tx, ids)
    wires = [queries.to_wire(row) for row in await queries.by_ids(tx.conn, ids)]
    await tx.conn.execute(
        _PREVIEW_OF_LAST,
        [
            {
                "cid": wire.conversation_id,
                "seq": wire.seq,
                "text": wire.deleted.notice if wire.deleted else "",
            }
            for wire in wires
        ],
    )
    await relog(tx, wires)
    for wire in wires:
        await log.append(
            tx,
            EventType.MESSAGE_DELETED,
            _event(wire),
            conversation_id=wire.conversation_id,
            message_id=wire.id,
        )
    return {wire.id: wire for wire in wires}


async def replace_text(tx: Tx, row: Any, kind: ConversationKind, body: str) -> MessageOut:
    """Edit a message's text (``row`` from ``queries``, in a conversation of ``kind``) in every copy, in ``tx``:
    the row (marked edited; the text it replaces joins the message's edit history), its HTML, its search entry, the preview when it is the conversation's last message,
    and every logged event about it, which now carries the new text only; a ``message.edited`` event tells the
    members. A "Sent to X people" message's copies in the recipients' 1:1s are edited with it. Returns the
    message as clients see it.
    """
    copies = (
        await tx.conn.execute(
            select(messages.c.id, messages.c.conversation_id, messages.c.seq, conversations.c.kind)
            .join(conversations, conversations.c.id == messages.c.conversation_id)
            .where(messages.c.copy_of_id == row.id, messages.c.deleted_at.is_(None))
            .order_by(messages.c.id)
        )
    ).all()
    for copy in copies:
        await _replace_one(tx, copy, copy.kind, body)
    return await _replace_one(tx, row, kind, body)


async def relog(tx: Tx, wires: Sequence[MessageOut]) -> None:
    """Make every logged event about these messages carry them as they are now (``wires``, as clients see them):
    no reader of the log replays an earlier text or name."""
    await log.rewrite_message_events(tx, [(wire.id, _event(wire)) for wire in wires])


async def _copies(tx: Tx, message_ids: Sequence[int]) -> list[int]:
    """The recipients' 1:1 copies of these messages (when they are "Sent to X people" messages)."""
    return list(
        (await tx.conn.execute(select(messages.c.id).where(messages.c.copy_of_id.in_(message_ids)))).scalars()
    )


async def _replace_one(tx: Tx, row: Any, kind: ConversationKind, body: str) -> MessageOut:
    now = utcnow()
    await versions.keep_current(tx, row.id, now)
    await tx.conn.execute(
        update(messages)
        .where(messages.c.id == row.id)
        .values(body=body, body_html=render(body), edited_at=now)
    )
    await tx.conn.execute(
        _PREVIEW_OF_LAST, [{"cid": row.conversation_id, "seq": row.seq, "text": preview(body)}]
    )
    wire = (await queries.to_wire_many(tx.conn, list(await queries.by_ids(tx.conn, [row.id]))))[0]
    await search_index.index_message(
        tx, row.id, row.conversation_id, kind, body, [file.name for file in wire.attachments]
    )
    await relog(tx, [wire])
    await log.append(
        tx, EventType.MESSAGE_EDITED, _event(wire), conversation_id=row.conversation_id, message_id=row.id
    )
    return wire
