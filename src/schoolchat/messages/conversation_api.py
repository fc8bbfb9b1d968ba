"""Routes on a conversation that messages carry out: starting one with its first message (§5.1), and its read
state (mark read, mark unread, the badge). They live in ``messages``, which sits above ``conversations``; the
paths and the tag are the conversations' own."""

from __future__ import annotations

from fastapi import APIRouter, Response

from schoolchat.auth.deps import MessagingActor
from schoolchat.conversations import actions as conversation_actions
from schoolchat.conversations import queries as conversation_queries
from schoolchat.inputs import Id
from schoolchat.messages import actions
from schoolchat.messages.schemas import BadgeOut, MarkRead, StartConversation, StartedOut, UnreadOut
from schoolchat.ratelimit.deps import per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import ServicesDep
from schoolchat.statuses import new_or_not, nothing_new

router = APIRouter(prefix="/api", tags=["conversations"])


@router.post(
    "/conversations",
    response_model=StartedOut,
    status_code=201,
    responses=nothing_new(StartedOut),
    dependencies=[per_person(Rule.SENDS)],
    summary="Start a conversation (§5.1), optionally with a first message",
)
async def start_conversation(
    body: StartConversation, actor: MessagingActor, services: ServicesDep, response: Response
) -> StartedOut:
    recipients = body.recipients.to_recipients()
    if body.message is not None:
        sent = await actions.send_new(
            services,
            actor,
            recipients,
            mode=body.mode,
            name=body.name,
            body=body.message.body,
            client_message_id=body.message.client_message_id,
            attachment_ids=body.message.attachment_ids,
        )
        new_or_not(response, not sent.duplicate)
        conversation_id, created, message = sent.conversation_id, sent.conversation_created, sent.message
        duplicate, feedback = sent.duplicate, sent.feedback
    else:
        opened = await conversation_actions.start(services, actor, recipients, body.mode, body.name)
        conversation_id, created, message, duplicate, feedback = (
            opened.conversation_id,
            opened.created,
            None,
            False,
            opened.feedback,
        )
        new_or_not(response, created)
    async with services.db.read() as conn:
        described = await conversation_queries.describe_one(conn, actor, conversation_id)
    return StartedOut.model_validate(
        {
            "conversation": described,
            "created": created,
            "message": message,
            "duplicate": duplicate,
            "feedback": feedback,
        }
    )


@router.post(
    "/conversations/{conversation_id}/read",
    response_model=UnreadOut,
    summary="Move the read cursor forward (to the newest message when no seq is given)",
)
async def mark_read(
    conversation_id: Id, actor: MessagingActor, services: ServicesDep, body: MarkRead | None = None
) -> UnreadOut:
    state = await actions.mark_read(services, actor, conversation_id, body.up_to_seq if body else None)
    return UnreadOut(conversation_id=state.conversation_id, unread=state.unread, total=state.total)


@router.post(
    "/conversations/{conversation_id}/unread", response_model=UnreadOut, summary="§4.2: mark as unread"
)
async def mark_unread(conversation_id: Id, actor: MessagingActor, services: ServicesDep) -> UnreadOut:
    state = await actions.mark_conversation_unread(services, actor, conversation_id)
    return UnreadOut(conversation_id=state.conversation_id, unread=state.unread, total=state.total)


@router.get(
    "/unread", response_model=BadgeOut, summary="§3.1: the badge total and the unread count per conversation"
)
async def badge(actor: MessagingActor, services: ServicesDep) -> BadgeOut:
    async with services.db.read() as conn:
        counts, total = await conversation_queries.badge(conn, actor.id)
    return BadgeOut(total=total, conversations=counts)
