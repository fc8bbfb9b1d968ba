"""Routes: search across the caller's conversations, and within one (§5.3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from schoolchat.auth.deps import MessagingActor
from schoolchat.conversations.schemas import ConversationRef
from schoolchat.inputs import Id
from schoolchat.messages import search
from schoolchat.messages.schemas import MessageOut
from schoolchat.ratelimit.deps import per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api", tags=["search"])

Q = Annotated[
    str,
    Query(
        min_length=1, max_length=200, description="Words to find; the last one may be the start of a word."
    ),
]
BEFORE = Annotated[Id | None, Query(description="next_before_id of the previous page")]
LIMIT = Annotated[int, Query(ge=1, le=50)]


class SearchHit(BaseModel):
    message: MessageOut = Field(description="The message as history shows it, with its attachments.")
    conversation: ConversationRef
    snippet: str | None = Field(
        description="HTML: the words around the match, matches in <mark>, the rest escaped."
    )


class SearchOut(BaseModel):
    hits: list[SearchHit]
    next_before_id: int | None


def _out(page: search.SearchPage) -> SearchOut:
    return SearchOut(hits=[SearchHit(**hit) for hit in page.hits], next_before_id=page.next_before_id)


@router.get(
    "/search",
    response_model=SearchOut,
    dependencies=[per_person(Rule.MESSAGE_SEARCH)],
    summary="Search text, attachment names and links in all your conversations, newest first",
)
async def search_all(
    q: Q, actor: MessagingActor, services: ServicesDep, before_id: BEFORE = None, limit: LIMIT = 20
) -> SearchOut:
    async with services.db.read() as conn:
        return _out(await search.search(conn, actor.id, q, before_id=before_id, limit=limit))


@router.get(
    "/conversations/{conversation_id}/search",
    response_model=SearchOut,
    dependencies=[per_person(Rule.MESSAGE_SEARCH)],
    summary="Search in one conversation (§5.3 'Search in conversation'), newest first",
)
async def search_in(
    conversation_id: Id,
    q: Q,
    actor: MessagingActor,
    services: ServicesDep,
    before_id: BEFORE = None,
    limit: LIMIT = 20,
) -> SearchOut:
    async with services.db.read() as conn:
        return _out(
            await search.search(
                conn, actor.id, q, conversation_id=conversation_id, before_id=before_id, limit=limit
            )
        )
