"""Sending, editing, deleting and forwarding messages, and moving read cursors.

Every public action is one transaction that appends its events. A send with a ``client_message_id`` that was
already used by the same sender returns the original message instead of writing a second one (also after a
restart: the pair is unique in the database).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from schoolchat.attachments import queries as attachment_queries
from schoolchat.attachments import writes as attachment_writes
from schoolchat.auth.actor import Actor
from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations import writes as conversation_writes
from schoolchat.conversations.models import conversations, memberships
from schoolchat.conversations.schemas import Preview
from schoolchat.db import Tx
from schoolchat.db.engine import is_unique_violation
from schoolchat.db.expressions import json_set, next_id
from schoolchat.db.prepared import Later, Prepared, together
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationKind
from schoolchat.messages import erasure, queries, reads
from schoolchat.messages.models import messages
from schoolchat.messages.render import preview, render
from schoolchat.messages.schemas import MessageOut
from schoolchat.notifications import enqueue
from schoolchat.people import selection
from schoolchat.people.queries import user_summaries
from schoolchat.people.selection import Recipients
from schoolchat.policy.decision import Denied, require
from schoolchat.policy.messages import may_delete_own, may_edit, may_forward
from schoolchat.policy.messaging import Feedback, SendFacts, may_send, send_feedback
from schoolchat.policy.reads import COUNTED_KINDS
from schoolchat.policy.recipients import Mode, plan_send
from schoolchat.realtime import log
from schoolchat.realtime.events import EventType
from schoolchat.realtime.schemas import MessageChanged, ReadsChanged, UnreadChanged
from schoolchat.search import index as search_index
from schoolchat.services import Services
from schoolchat.validation import message_body


@dataclass(frozen=True)
class Forwarded:
    message_id: int
    sender_name: str
    attachment_ids: tuple[int, ...] = ()  # the original's files travel with it


@dataclass
class Sent:
    message: MessageOut
    conversation_id: int
    conversation_created: bool = False
    duplicate: bool = False
    feedback: list[Feedback] = field(default_factory=list)


@dataclass(frozen=True)
class UnreadState:
    conversation_id: int
    unread: int
    total: int


# ---- building blocks -----------------------------------------------------------------------------------------


_NEXT_SEQ = Prepared(
    update(conversations)
    .where(conversations.c.id == bindparam("conversation_id"))
    .values(
        last_seq=conversations.c.last_seq + 1,
        last_activity_at=bindparam("now"),
        last_message_preview=bindparam("preview"),
        last_message_sender_id=bindparam("sender_id"),
    )
    .returning(conversations.c.last_seq)
)
# At the seq the statement before it (_NEXT_SEQ, in the same round trip) gave the conversation; with the id
# reserved for it, or the next one.
_INSERT_MESSAGE = Prepared(
    insert(messages)
    .values(
        {
            **{
                column: bindparam(column)
                for column in (
                    "conversation_id",
                    "sender_id",
                    "client_message_id",
                    "body",
                    "body_html",
                    "created_at",
                    "forwarded_from_id",
                    "forwarded_from_name",
                    "copy_of_id",
                )
            },
            "id": func.coalesce(bindparam("id", type_=Integer), next_id(messages)),
            "seq": select(conversations.c.last_seq)
            .where(conversations.c.id == bindparam("conversation_id"))
            .scalar_subquery(),
        }
    )
    .returning(messages.c.id, messages.c.seq)
)
_READ_UP_TO = Prepared(
    update(memberships)
    .where(
        memberships.c.conversation_id == bindparam("conversation_id"),
        memberships.c.user_id == bindparam("user_id"),
    )
    .values(
        last_read_seq=select(messages.c.seq).where(messages.c.id == bindparam("message_id")).scalar_subquery()
    )
)

# The new message's event, when it goes out in the same pipeline as the message: its seq from the message row.
_INSERT_CREATED_EVENT = log.event_insert(
    payload=json_set(
        bindparam("payload", type_=JSON),
        ("message", "seq"),
        select(messages.c.seq).where(messages.c.id == bindparam("message_id")).scalar_subquery(),
    )
)


async def append_message(
    tx: Tx,
    conversation_id: int,
    kind: ConversationKind,
    sender: Actor,
    body: str,
    *,
    client_message_id: str | None,
    now: datetime,
    forwarded: Forwarded | None,
    files: Sequence[Any] = (),
    copy_of: int | None = None,
    message_id: int | None = None,
) -> MessageOut:
    """Write one message at the conversation's next ``seq``; the sender's cursor moves past it. ``copy_of``: the
    "Sent to X people" message this is the recipient's copy of (``messages.erasure`` edits and deletes both).

    With its id reserved (``message_id``, from ``access_for_send``) the whole write — the conversation's ``seq``,
    the message, its search entry, the cursor, the notification job, the event — goes to PostgreSQL with the
    ``COMMIT`` in one pipeline, so the conversation's row lock is held for the server's own work only and
    concurrent senders into one conversation do not queue behind each other's round trips; the ``seq`` is in the
    message once the write has committed. Without one (or with files, which are linked to the id) the seq and the
    id come back in a round trip first. On SQLite every statement runs at once either way."""
    names = [row.name for row in files]
    html = render(body)
    shown = preview(body or ", ".join(names))
    seq_params = {
        "conversation_id": conversation_id,
        "now": now,
        "preview": shown,
        "sender_id": sender.id,
    }
    message_params = {
        "id": message_id,
        "conversation_id": conversation_id,
        "sender_id": sender.id,
        "client_message_id": client_message_id,
        "body": body,
        "body_html": html,
        "created_at": now,
        "forwarded_from_id": forwarded.message_id if forwarded else None,
        "forwarded_from_name": forwarded.sender_name if forwarded else None,
        "copy_of_id": copy_of,
    }
    inserted: Later | None = None
    if message_id is None or files:
        _, [(message_id, seq)] = await together(
            tx.conn, (_NEXT_SEQ, seq_params), (_INSERT_MESSAGE, message_params)
        )
    else:
        await _NEXT_SEQ.later(tx, **seq_params)
        inserted = await _INSERT_MESSAGE.later(tx, **message_params)
        seq = 0  # until the commit returns it (below)
    attached = await attachment_writes.link(tx, message_id, files)
    await search_index.index_message(tx, message_id, conversation_id, kind, body, names, new=True)
    await _READ_UP_TO.later(tx, conversation_id=conversation_id, user_id=sender.id, message_id=message_id)
    wire = queries.to_wire(
        queries.Written(
            message_id,
            conversation_id,
            seq,
            sender.id,
            sender.name,
            sender.avatar_url,
            client_message_id,
            body,
            html,
            now,
            forwarded.message_id if forwarded else None,
            forwarded.sender_name if forwarded else None,
        ),
        attached,
    )
    if inserted is not None:
        inserted.then(lambda rows: setattr(wire, "seq", rows[0].seq))
    await log.append(
        tx,
        EventType.MESSAGE_CREATED,
        MessageChanged(
            conversation_id=conversation_id,
            message=wire,
            preview=Preview(text=shown, sender_id=sender.id),
        ),
        conversation_id=conversation_id,
        message_id=message_id,
        written_by=None if inserted is None else _INSERT_CREATED_EVENT,
    )
    if (
        kind != "mass"
    ):  # a mass message notifies once its delivery has reached everyone (massmessages.actions)
        await enqueue.notify_later(tx, message_id, conversation_id, now=now)
    return wire


async def _fan_out(
    tx: Tx,
    sender: Actor,
    original_id: int,
    targets: Sequence[tuple[int, int]],
    body: str,
    now: datetime,
    forwarded: Forwarded | None,
    files: Sequence[Any] = (),
) -> list[Feedback]:
    """A message in a "Sent to X people" conversation is also written into each recipient's own 1:1."""
    summaries = await user_summaries(tx.conn, [user_id for user_id, _ in targets])
    for user_id, direct_id in targets:
        if not summaries[user_id].messaging_disabled:
            await append_message(
                tx,
                direct_id,
                ConversationKind.DIRECT,
                sender,
                body,
                client_message_id=None,
                now=now,
                forwarded=forwarded,
                files=files,
                copy_of=original_id,
            )
    return send_feedback(
        ConversationKind.INDIVIDUAL,
        [
            (user_id, summaries[user_id].name)
            for user_id, _ in targets
            if summaries[user_id].messaging_disabled
        ],
    )


@dataclass(frozen=True)
class _Retry:
    """A send as its retry would repeat it: a retry (the same ``client_message_id``) is answered with the
    original, or 409 when the id was used for something else."""

    actor: Actor
    client_message_id: str | None
    body: str
    conversation_id: int | None
    attachment_ids: Sequence[int] = ()

    def lookup(self) -> tuple[Prepared, dict[str, Any]] | None:
        """The statement that finds the original, for a caller to send in a round trip it makes anyway."""
        if self.client_message_id is None:
            return None
        return queries.BY_CLIENT_ID, {"sender_id": self.actor.id, "client_message_id": self.client_message_id}

    async def replay(self, tx: Tx) -> Sent | None:
        found = self.lookup()
        if found is None:
            return None
        statement, params = found
        return await self.answer(tx, await statement.first(tx.conn, **params))

    async def answer(self, tx: Tx, original: Any | None) -> Sent | None:
        """The original answer, given what ``lookup`` found (None: this is no retry)."""
        if original is None:
            return None
        other_files = original.deleted_at is None and list(dict.fromkeys(self.attachment_ids)) != (
            await attachment_queries.ids_of_message(tx.conn, original.id)
        )
        if (
            original.body != self.body
            or other_files
            or (self.conversation_id is not None and original.conversation_id != self.conversation_id)
        ):
            raise ApiError(
                409,
                "client_message_id_reused",
                text("messages.client_message_id_reused"),
                {"client_message_id": self.client_message_id, "message_id": original.id},
            )
        return Sent(
            (await queries.to_wire_many(tx.conn, [original]))[0], original.conversation_id, duplicate=True
        )


async def _files(
    tx: Tx, actor: Actor, attachment_ids: Sequence[int], forwarded: Forwarded | None
) -> list[Any]:
    """The files a send carries: a forwarded message's own, or the sender's uploads not sent yet."""
    if forwarded is not None:
        return await attachment_queries.by_ids(tx.conn, forwarded.attachment_ids)
    return await attachment_writes.claim(tx, actor, attachment_ids)


def _file_ids(attachment_ids: Sequence[int], forwarded: Forwarded | None) -> tuple[int, ...]:
    return forwarded.attachment_ids if forwarded is not None else tuple(attachment_ids)


async def _idempotent(services: Services, retry: _Retry, attempt: Callable[[Tx], Awaitable[Sent]]) -> Sent:
    """Run a send (``attempt`` answers a retry itself, first); if a concurrent retry won the race for the same
    client id, answer with its message."""
    try:
        async with services.db.write() as tx:
            return await attempt(tx)
    except IntegrityError as exc:
        if retry.client_message_id is None or not is_unique_violation(exc):
            raise
        async with services.db.write() as tx:
            replay = await retry.replay(tx)
        if replay is None:
            raise
        return replay


# ---- public actions ------------------------------------------------------------------------------------------


async def send(
    services: Services,
    actor: Actor,
    conversation_id: int,
    body: str,
    client_message_id: str | None,
    *,
    forwarded: Forwarded | None = None,
    attachment_ids: Sequence[int] = (),
) -> Sent:
    """§5.2: send into an existing conversation, with files uploaded beforehand (or without text, with files)."""
    file_ids = _file_ids(attachment_ids, forwarded)
    body = message_body(body, services.settings.max_message_length, allow_empty=bool(file_ids))

    retry = _Retry(actor, client_message_id, body, conversation_id, file_ids)

    async def attempt(tx: Tx) -> Sent:
        # A retry is looked up in the access check's round trip, and answered before the access is decided.
        found, decide = await conversation_queries.access_for_send(
            tx.conn, actor.id, conversation_id, ahead=retry.lookup()
        )
        replay = await retry.answer(tx, found[0] if found else None)
        if replay is not None:
            return replay
        checked = await decide()
        access, disabled = checked.access, checked.disabled
        conversation = access.conversation
        require(
            may_send(
                SendFacts(
                    kind=access.kind,
                    status=conversation.status,
                    sender_is_active_member=access.active,
                    sender_is_creator=conversation.created_by == actor.id,
                    disabled_direct_partner=_direct_partner(access.kind, disabled),
                    space_disabled=access.space_disabled,
                )
            )
        )
        now = utcnow()
        files = await _files(tx, actor, attachment_ids, forwarded)
        wire = await append_message(
            tx,
            conversation_id,
            access.kind,
            actor,
            body,
            client_message_id=client_message_id,
            now=now,
            forwarded=forwarded,
            files=files,
            message_id=checked.message_id,
        )
        if access.kind == "individual":
            targets = await conversation_queries.individual_targets(tx.conn, conversation_id)
            feedback = await _fan_out(tx, actor, wire.id, targets, body, now, forwarded, files)
        else:
            feedback = send_feedback(access.kind, [(member.id, member.name) for member in disabled])
        return Sent(wire, conversation_id, feedback=feedback)

    return await _idempotent(services, retry, attempt)


async def send_new(
    services: Services,
    actor: Actor,
    recipients: Recipients,
    *,
    mode: Mode | None,
    name: str | None,
    body: str,
    client_message_id: str | None,
    forwarded: Forwarded | None = None,
    attachment_ids: Sequence[int] = (),
) -> Sent:
    """§5.1: send to a selection of recipients, opening the conversation §6.3 decides on."""
    file_ids = _file_ids(attachment_ids, forwarded)
    body = message_body(body, services.settings.max_message_length, allow_empty=bool(file_ids))

    retry = _Retry(actor, client_message_id, body, None, file_ids)

    async def attempt(tx: Tx) -> Sent:
        replay = await retry.replay(tx)
        if replay is not None:
            return replay
        chosen_people, spaces = await selection.resolve(
            tx.conn, actor.id, recipients.people, recipients.courses, recipients.projects
        )
        plan = plan_send(actor.id, chosen_people, spaces, mode)
        if isinstance(plan, Denied):
            raise plan.error()
        now = utcnow()
        opened = await conversation_writes.open_for_plan(tx, actor, plan, name, now)
        access = await conversation_queries.get_access(tx.conn, actor.id, opened.conversation_id)
        require(
            may_send(
                SendFacts(
                    kind=access.kind,
                    status=access.conversation.status,
                    sender_is_active_member=True,
                    sender_is_creator=True,
                    space_disabled=access.space_disabled,
                )
            )
        )
        files = await _files(tx, actor, attachment_ids, forwarded)
        wire = await append_message(
            tx,
            opened.conversation_id,
            access.kind,
            actor,
            body,
            client_message_id=client_message_id,
            now=now,
            forwarded=forwarded,
            files=files,
        )
        feedback = list(opened.feedback)
        if opened.direct_targets:
            await _fan_out(tx, actor, wire.id, opened.direct_targets, body, now, forwarded, files)
        elif access.kind in ("course", "project"):
            disabled = await conversation_queries.disabled_members(tx.conn, opened.conversation_id, actor.id)
            feedback += send_feedback(access.kind, [(member.id, member.name) for member in disabled])
        return Sent(wire, opened.conversation_id, conversation_created=opened.created, feedback=feedback)

    return await _idempotent(services, retry, attempt)


def _direct_partner(kind: str, disabled_members: Sequence[Any]) -> str | None:
    """The name of a 1:1 partner whose messaging is off: the other formal participant (a teacher present through
    a report is not one)."""
    if kind != "direct":
        return None
    return next((member.name for member in disabled_members if member.formal), None)


async def edit(services: Services, actor: Actor, message_id: int, body: str) -> MessageOut:
    """§4.3: edit your own message; it is marked edited, with the time."""
    body = message_body(body, services.settings.max_message_length)
    async with services.db.write() as tx:
        row = await queries.get_visible(tx.conn, actor.id, message_id)
        access = await conversation_queries.get_access(tx.conn, actor.id, row.conversation_id)
        require(
            may_edit(
                is_author=row.sender_id == actor.id,
                deleted=row.deleted_at is not None,
                conversation_status=access.conversation.status,
            )
        )
        return await erasure.replace_text(tx, row, access.kind, body)


async def delete_own(services: Services, actor: Actor, message_id: int) -> MessageOut:
    """§4.3: delete your own message; its content is removed and a notice keeps its place."""
    async with services.db.write() as tx:
        row = await queries.get_visible(tx.conn, actor.id, message_id)
        require(may_delete_own(is_author=row.sender_id == actor.id, deleted=row.deleted_at is not None))
        return (await erasure.erase(tx, services, [row.id], by=actor.id))[row.id]


async def forward(
    services: Services,
    actor: Actor,
    message_id: int,
    *,
    conversation_id: int | None,
    recipients: Recipients | None,
    mode: Mode | None,
    name: str | None,
    client_message_id: str | None,
) -> Sent:
    """§4.3: forward a message you can see, to a conversation you are in or to new recipients; it is attributed."""
    async with services.db.read() as conn:
        source = await queries.get_visible(conn, actor.id, message_id)
        files = await attachment_queries.ids_of_message(conn, source.id)
    require(may_forward(deleted=source.deleted_at is not None))
    forwarded = Forwarded(source.id, source.forwarded_from_name or source.sender_name, tuple(files))
    if conversation_id is not None:
        return await send(
            services, actor, conversation_id, source.body, client_message_id, forwarded=forwarded
        )
    if recipients is None:
        raise ApiError(
            422,
            "invalid_request",
            text("messages.forward_target_required"),
            {
                "fields": [
                    {"field": "conversation_id", "message": text("messages.forward_target_required.field")}
                ]
            },
        )
    return await send_new(
        services,
        actor,
        recipients,
        mode=mode,
        name=name,
        body=source.body,
        client_message_id=client_message_id,
        forwarded=forwarded,
    )


async def _move_cursor(services: Services, actor: Actor, conversation_id: int, target: Any) -> UnreadState:
    """Set the caller's read cursor (``target`` picks the new seq from the access) and report unread counts."""
    async with services.db.write() as tx:
        access = await conversation_queries.get_access(tx.conn, actor.id, conversation_id)
        new_seq = max(0, min(await target(tx, access), access.conversation.last_seq))
        if new_seq != access.last_read_seq:
            await tx.conn.execute(
                update(memberships)
                .where(memberships.c.conversation_id == conversation_id, memberships.c.user_id == actor.id)
                .values(last_read_seq=new_seq)
            )
        counts, total = await conversation_queries.badge(tx.conn, actor.id)
        state = UnreadState(conversation_id, counts.get(conversation_id, 0), total)
        if new_seq != access.last_read_seq:
            await log.append(
                tx,
                EventType.UNREAD_CHANGED,
                UnreadChanged(
                    conversation_id=conversation_id, read_seq=new_seq, unread=state.unread, total=state.total
                ),
                conversation_id=conversation_id,
                user_id=actor.id,
            )
            await _tell_watching_senders(
                tx, access.conversation, actor.id, sorted((access.last_read_seq, new_seq))
            )
    return state


async def _tell_watching_senders(tx: Tx, conversation: Any, reader_id: int, moved: list[int]) -> None:
    """A cursor moved across messages whose senders see read counts: tell each sender which of theirs changed.

    The event names the messages but carries no counts: a count walks the conversation's memberships (~3 ms of
    CPU for a 10,000-recipient mass message, docs/performance.md), so it is asked for by a sender who is looking,
    not computed for every read of every recipient.
    """
    if conversation.kind not in COUNTED_KINDS:
        return
    watched = await reads.watched_between(tx.conn, conversation, reader_id, moved[0], moved[1])
    for sender_id, message_ids in watched.items():
        await log.append(
            tx,
            EventType.READS_CHANGED,
            ReadsChanged(conversation_id=conversation.id, message_ids=message_ids[: reads.MAX_COUNTED]),
            conversation_id=conversation.id,
            user_id=sender_id,
        )


async def mark_read(
    services: Services, actor: Actor, conversation_id: int, up_to_seq: int | None
) -> UnreadState:
    """Reading moves the cursor forward (never back): up to ``up_to_seq``, or to the newest message; never past the
    newest, so a seq from the future cannot mark messages read before they are written."""

    async def target(_: Tx, access: conversation_queries.Access) -> int:
        newest: int = access.conversation.last_seq
        return max(access.last_read_seq, newest if up_to_seq is None else min(up_to_seq, newest))

    return await _move_cursor(services, actor, conversation_id, target)


async def mark_conversation_unread(services: Services, actor: Actor, conversation_id: int) -> UnreadState:
    """§4.2: the newest message from someone else becomes unread again."""

    async def target(tx: Tx, access: conversation_queries.Access) -> int:
        latest = await queries.latest_seq_from_others(tx.conn, conversation_id, actor.id)
        return access.last_read_seq if latest is None else min(access.last_read_seq, latest - 1)

    return await _move_cursor(services, actor, conversation_id, target)


async def mark_message_unread(services: Services, actor: Actor, message_id: int) -> UnreadState:
    """§4.3: this message and everything after it become unread."""
    async with services.db.read() as conn:
        row = await queries.get_visible(conn, actor.id, message_id)

    async def target(_: Tx, __: conversation_queries.Access) -> int:
        before: int = row.seq - 1
        return before

    return await _move_cursor(services, actor, row.conversation_id, target)
