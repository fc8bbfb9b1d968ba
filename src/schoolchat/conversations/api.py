"""Routes for the conversation list, recipient options, settings and participants (starting one and its read
state: ``messages.conversation_api``)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from schoolchat.auth.deps import MessagingActor
from schoolchat.conversations import actions, queries
from schoolchat.conversations.schemas import (
    AddParticipants,
    ConversationOut,
    ConversationPage,
    ParticipantOut,
    ParticipantsOut,
    RecipientOptionsOut,
    RecipientSelection,
    Rename,
)
from schoolchat.db.types import utcnow
from schoolchat.errors import ApiError, ErrorDetail
from schoolchat.i18n.catalog import text
from schoolchat.inputs import MAX_ID, Id
from schoolchat.people import selection
from schoolchat.people.queries import UserSummary, joined_notices, working_hours_notices
from schoolchat.policy.decision import Denied
from schoolchat.policy.recipients import Mode, Scenario
from schoolchat.policy.texts import MAX_RECIPIENTS, choose_mode
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api", tags=["conversations"])


def _outcome(scenario: Scenario) -> str:
    """§6.3's table: what New message offers for a selection."""
    if scenario is Scenario.SINGLE_PERSON:
        return text("conversations.outcome.single_person")
    if scenario in (Scenario.SEVERAL_PEOPLE, Scenario.SMALL_SPACE):
        return choose_mode()
    if scenario is Scenario.LARGE_SPACE:
        return text("conversations.outcome.large_space")
    if scenario is Scenario.LARGE_SPACE_PLUS_OTHERS:
        return text("conversations.outcome.large_space_plus_others", limit=MAX_RECIPIENTS)
    return text("conversations.outcome.over_limit", limit=MAX_RECIPIENTS)


def _encode_cursor(at: datetime, conversation_id: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{conversation_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, conversation_id = raw.partition("|")
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None:
            raise ValueError("cursor without a time zone")  # i18n-exempt: caught below
        number = int(conversation_id)
        if not 0 < number <= MAX_ID:
            raise ValueError("cursor id out of range")  # i18n-exempt: caught below
        return parsed, number
    except ValueError as exc:
        raise ApiError(
            422, "invalid_cursor", text("conversations.invalid_cursor"), {"field": "cursor"}
        ) from exc


def _error(denied: Denied | None) -> ErrorDetail | None:
    return (
        ErrorDetail(code=denied.code, message=denied.message, details=denied.details)
        if denied is not None
        else None
    )


@router.get(
    "/conversations", response_model=ConversationPage, summary="The caller's conversations, newest first"
)
async def list_conversations(
    actor: MessagingActor,
    services: ServicesDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> ConversationPage:
    before = _decode_cursor(cursor) if cursor else None
    async with services.db.read() as conn:
        rows = await queries.list_page(conn, actor.id, limit + 1, before)
        described = await queries.describe(conn, rows[:limit], actor)
    next_cursor = (
        _encode_cursor(rows[limit - 1].last_activity_at, rows[limit - 1].id) if len(rows) > limit else None
    )
    return ConversationPage(conversations=described, next_cursor=next_cursor)


@router.post(
    "/recipients/options",
    response_model=RecipientOptionsOut,
    summary="§6.3: whether to offer group or individual messages for this selection",
)
async def recipient_options(
    body: RecipientSelection, actor: MessagingActor, services: ServicesDep
) -> RecipientOptionsOut:
    async with services.db.read() as conn:
        options = await selection.options_for(conn, actor.id, body.to_recipients())
        people = [person for person in dict.fromkeys(body.people) if person != actor.id]
        notices = await working_hours_notices(conn, people, utcnow()) if options.error is None else {}
    modes = [Mode.GROUP, Mode.INDIVIDUAL] if options.choice_offered else []
    return RecipientOptionsOut(
        scenario=options.scenario,
        choice_offered=options.choice_offered,
        modes=modes,
        unique_count=options.unique_count,
        outcome=_outcome(options.scenario),
        error=_error(options.error),
        error_on_send=_error(options.error_on_send),
        working_hours_notice=joined_notices(notices, people),
    )


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
async def get_conversation(
    conversation_id: Id, actor: MessagingActor, services: ServicesDep
) -> ConversationOut:
    async with services.db.read() as conn:
        return await queries.describe_one(conn, actor, conversation_id)


@router.patch("/conversations/{conversation_id}", response_model=ConversationOut, summary="Rename a group")
async def rename_conversation(
    conversation_id: Id, body: Rename, actor: MessagingActor, services: ServicesDep
) -> ConversationOut:
    await actions.rename(services, actor, conversation_id, body.name)
    return await get_conversation(conversation_id, actor, services)


async def _participants(services: ServicesDep, actor_id: int, conversation_id: int) -> list[ParticipantOut]:
    async with services.db.read() as conn:
        access = await queries.get_access(conn, actor_id, conversation_id)
        found = await queries.participants(conn, access, actor_id)
    return [
        ParticipantOut(
            id=p.id,
            name=p.name,
            title=p.title,
            avatar_url=p.avatar_url,
            initials=UserSummary(p.id, p.name, p.title, p.avatar_url, False).initials,
            role=p.role,
            formal=p.formal,
            messaging_disabled=p.messaging_disabled,
            relationship=p.relationship,
        )
        for p in found
    ]


@router.get(
    "/conversations/{conversation_id}/participants",
    response_model=ParticipantsOut,
    summary="Participants with avatar, name, title, role and your relationship to them (§4.2)",
)
async def list_participants(
    conversation_id: Id, actor: MessagingActor, services: ServicesDep
) -> ParticipantsOut:
    return ParticipantsOut(participants=await _participants(services, actor.id, conversation_id))


@router.post(
    "/conversations/{conversation_id}/participants",
    response_model=ParticipantsOut,
    summary="Add participants to a group (§5.3)",
)
async def add_participants(
    conversation_id: Id, body: AddParticipants, actor: MessagingActor, services: ServicesDep
) -> ParticipantsOut:
    added, feedback = await actions.add_participants(services, actor, conversation_id, body.user_ids)
    return ParticipantsOut.model_validate(
        {
            "participants": await _participants(services, actor.id, conversation_id),
            "added": added,
            "feedback": feedback,
        }
    )


@router.post("/conversations/{conversation_id}/leave", status_code=204, summary="Leave a group conversation")
async def leave_conversation(conversation_id: Id, actor: MessagingActor, services: ServicesDep) -> Response:
    await actions.leave(services, actor, conversation_id)
    return Response(status_code=204)


@router.put(
    "/conversations/{conversation_id}/mute",
    status_code=204,
    summary="Mute a conversation for yourself: no badge, no notifications (unread still shown)",
)
async def mute_conversation(conversation_id: Id, actor: MessagingActor, services: ServicesDep) -> Response:
    await actions.set_muted(services, actor, conversation_id, True)
    return Response(status_code=204)


@router.delete("/conversations/{conversation_id}/mute", status_code=204, summary="Unmute a conversation")
async def unmute_conversation(conversation_id: Id, actor: MessagingActor, services: ServicesDep) -> Response:
    await actions.set_muted(services, actor, conversation_id, False)
    return Response(status_code=204)


@router.post("/conversations/{conversation_id}/close", response_model=ConversationOut, summary="§5.7: close")
async def close_conversation(
    conversation_id: Id, actor: MessagingActor, services: ServicesDep
) -> ConversationOut:
    await actions.set_closed(services, actor, conversation_id, True)
    return await get_conversation(conversation_id, actor, services)


@router.post(
    "/conversations/{conversation_id}/reopen", response_model=ConversationOut, summary="§5.7: reopen"
)
async def reopen_conversation(
    conversation_id: Id, actor: MessagingActor, services: ServicesDep
) -> ConversationOut:
    await actions.set_closed(services, actor, conversation_id, False)
    return await get_conversation(conversation_id, actor, services)
