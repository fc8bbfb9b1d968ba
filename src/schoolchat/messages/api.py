"""Routes for message history, sending, editing, deleting, forwarding and marking unread."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import Field

from schoolchat.auth.deps import MessagingActor
from schoolchat.conversations.schemas import RecipientSelection
from schoolchat.inputs import Body, Id
from schoolchat.messages import actions, queries, reads
from schoolchat.messages.actions import Sent
from schoolchat.messages.schemas import (
    CLIENT_ID_PATTERN,
    EditMessage,
    HistoryPage,
    MessageOut,
    NewMessage,
    ReadByOut,
    ReaderOut,
    ReadsOut,
    SentOut,
    UnreadOut,
)
from schoolchat.moderation import actions as moderation_actions
from schoolchat.policy.recipients import Mode
from schoolchat.ratelimit.deps import per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import ServicesDep
from schoolchat.statuses import new_or_not, nothing_new

router = APIRouter(prefix="/api", tags=["messages"])


class ForwardMessage(Body):
    conversation_id: Id | None = Field(default=None, description="Forward into this conversation…")
    recipients: RecipientSelection | None = Field(
        default=None, description="…or to new recipients (§5.1 rules apply)."
    )
    mode: Mode | None = Field(default=None, strict=False)  # the enum's value, as text
    name: str | None = Field(default=None, max_length=1000)
    client_message_id: str | None = Field(default=None, pattern=CLIENT_ID_PATTERN)


def _sent(sent: Sent, response: Response) -> SentOut:
    new_or_not(response, not sent.duplicate)
    return SentOut.model_validate(sent)


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=HistoryPage,
    summary="History, newest first; pass next_before_seq back to page further",
)
async def history(
    conversation_id: Id,
    actor: MessagingActor,
    services: ServicesDep,
    before_seq: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    read_by: Annotated[
        bool,
        Query(
            description="Add `read_by` {read, total, text} to the caller's "
            "own messages where they may see it (mass messages; teachers in "
            "course conversations), for the newest 50 of them."
        ),
    ] = False,
) -> HistoryPage:
    async with services.db.read() as conn:
        page = await queries.history_page(conn, actor.id, conversation_id, before_seq, limit)
        items = page.messages
        counted = await reads.on_page(conn, actor.id, page.access, items) if read_by else {}
    if before_seq is None and not page.access.formal:
        # An opening of the conversation, not a scroll, by someone present without being a participant: staff
        # who joined through a report are audited. Participants' openings need no write at all.
        await moderation_actions.record_read_through_report(services, actor, conversation_id)
    for item in items:
        if item.id in counted:
            item.read_by = ReadByOut(**counted[item.id].to_wire())
    next_before = items[-1].seq if len(items) == limit and items[-1].seq > 1 else None
    return HistoryPage(messages=items, next_before_seq=next_before)


@router.get(
    "/conversations/{conversation_id}/messages/{message_id}/reads",
    response_model=ReadsOut,
    summary="Who has read (or not read) your own message: mass messages, and teachers in a course",
)
async def message_reads(
    conversation_id: Id,
    message_id: Id,
    actor: MessagingActor,
    services: ServicesDep,
    state: Literal["read", "unread"] = "read",
    after: Annotated[Id | None, Query(description="A user id from next_after")] = None,
    limit: Annotated[int, Query(ge=0, le=200, description="0: the count alone")] = 50,
) -> ReadsOut:
    async with services.db.read() as conn:
        count, found = await reads.of_message(
            conn, actor.id, conversation_id, message_id, have_read=state == "read", after=after, limit=limit
        )
    return ReadsOut(
        message_id=message_id,
        **count.to_wire(),
        state=state,
        people=[ReaderOut(id=person.id, name=person.name) for person in found],
        next_after=found[-1].id if limit and len(found) == limit else None,
    )


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=SentOut,
    status_code=201,
    responses=nothing_new(SentOut),
    dependencies=[per_person(Rule.SENDS)],
    summary="Send a message (§5.2); a retry with the same client_message_id returns the original (200)",
)
async def send(
    conversation_id: Id, body: NewMessage, actor: MessagingActor, services: ServicesDep, response: Response
) -> SentOut:
    return _sent(
        await actions.send(
            services,
            actor,
            conversation_id,
            body.body,
            body.client_message_id,
            attachment_ids=body.attachment_ids,
        ),
        response,
    )


@router.get(
    "/messages/{message_id}", response_model=MessageOut, summary="One message of a conversation you are in"
)
async def get_message(message_id: Id, actor: MessagingActor, services: ServicesDep) -> MessageOut:
    async with services.db.read() as conn:
        return (await queries.to_wire_many(conn, [await queries.get_visible(conn, actor.id, message_id)]))[0]


@router.patch("/messages/{message_id}", response_model=MessageOut, summary="Edit your own message (§4.3)")
async def edit(message_id: Id, body: EditMessage, actor: MessagingActor, services: ServicesDep) -> MessageOut:
    return await actions.edit(services, actor, message_id, body.body)


@router.delete("/messages/{message_id}", response_model=MessageOut, summary="Delete your own message (§4.3)")
async def delete(message_id: Id, actor: MessagingActor, services: ServicesDep) -> MessageOut:
    return await actions.delete_own(services, actor, message_id)


@router.post(
    "/messages/{message_id}/forward",
    response_model=SentOut,
    status_code=201,
    responses=nothing_new(SentOut),
    dependencies=[per_person(Rule.SENDS)],
    summary="Forward a message (§4.3), attributed to its author",
)
async def forward(
    message_id: Id, body: ForwardMessage, actor: MessagingActor, services: ServicesDep, response: Response
) -> SentOut:
    recipients = body.recipients.to_recipients() if body.recipients else None
    sent = await actions.forward(
        services,
        actor,
        message_id,
        conversation_id=body.conversation_id,
        recipients=recipients,
        mode=body.mode,
        name=body.name,
        client_message_id=body.client_message_id,
    )
    return _sent(sent, response)


@router.post(
    "/messages/{message_id}/unread",
    response_model=UnreadOut,
    summary="Mark as unread (§4.3): this message and the ones after it",
)
async def mark_unread(message_id: Id, actor: MessagingActor, services: ServicesDep) -> UnreadOut:
    state = await actions.mark_message_unread(services, actor, message_id)
    return UnreadOut(conversation_id=state.conversation_id, unread=state.unread, total=state.total)
