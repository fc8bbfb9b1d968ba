"""The real-time contract: each event type's payload, the envelope (a union discriminated by ``type``), and the
resync answer.

The same models build every event's payload when an action appends it (``log.append``), and shape every event
a client receives: the hub's ``event`` frames, ``GetEventsSince`` and ``GET /api/events`` (``event_out``). The
OpenAPI document publishes them as components (``EventOut`` and one schema per type).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, RootModel

from schoolchat.conversations.schemas import ConversationRef, Preview
from schoolchat.kinds import MassJobStatus
from schoolchat.messages.schemas import MessageOut
from schoolchat.people.schemas import PersonRef
from schoolchat.realtime.events import Event
from schoolchat.realtime.log import Resync

# ---- payloads ------------------------------------------------------------------------------------------------


class ConversationCreated(BaseModel):
    conversation: ConversationRef = Field(
        description="Ask `GET /api/conversations/{id}` for your view of it."
    )
    member_ids: list[int] = Field(description="Its first members (a mass message's recipient: only you).")


class MassReceipt(BaseModel):
    """A mass message's delivery, for its sender (§6.5)."""

    job_id: int
    status: MassJobStatus
    total: int
    processed: int
    delivered: int
    skipped_disabled: int = Field(description="Recipients whose messaging is off (§6.4).")


class ConversationChanges(BaseModel):
    """What changed; only the fields that did are present."""

    name: str | None = Field(default=None, description="Renamed (to everyone in it).")
    muted: bool | None = Field(default=None, description="Muted or unmuted by you (to you alone).")
    receipt: MassReceipt | None = Field(
        default=None, description="A mass message was delivered (to its sender alone)."
    )


class ConversationUpdated(BaseModel):
    conversation_id: int
    changes: ConversationChanges
    by: int | None = Field(description="Who changed it; null for the service itself.")


class ConversationStatusChanged(BaseModel):
    """Closed, reopened or deleted (§5.7); a restored conversation is reopened."""

    conversation_id: int
    by: PersonRef


class ParticipantsAdded(BaseModel):
    conversation_id: int
    user_ids: list[int]
    by: int | None
    formal: bool = Field(description="False for a teacher joining through a report.")


class ParticipantsRemoved(BaseModel):
    """To the conversation, and to each person removed (who is no longer in it to hear the first)."""

    conversation_id: int
    user_ids: list[int]
    by: int | None
    reason: str = Field(description="`left`, `removed` (§5.6) or `unenrolled`, and the like.")


class MessageChanged(BaseModel):
    """A message written, edited or deleted, as it is now (a deleted one keeps its place, not its content)."""

    conversation_id: int
    message: MessageOut
    preview: Preview | None = Field(
        default=None,
        description="On `message.created`: the conversation's preview in the list now, so that a client can "
        "update its list and badge from the event without asking for them again. Left out of an event rewritten "
        "since (an edit or a delete of the message).",
    )


class ReportWaiting(BaseModel):
    """To each reviewer: a report waits in their inbox."""

    report_id: int
    category: str


class UnreadChanged(BaseModel):
    """To the reader alone: their read cursor moved."""

    conversation_id: int
    read_seq: int
    unread: int
    total: int = Field(description="The badge: unread messages in conversations not muted.")


class ReadsChanged(BaseModel):
    """To a sender who sees read counts: these messages' counts changed; ask for them when they are on screen."""

    conversation_id: int
    message_ids: list[int]


class SessionEnded(BaseModel):
    """To the person: one of their credentials was revoked; the hub closes its sockets."""

    token_id: int | None


# ---- envelopes -----------------------------------------------------------------------------------------------


class _Envelope(BaseModel):
    id: int = Field(
        description="The event log's id: increasing; pass the last one you processed to `GetEventsSince`."
    )
    conversation_id: int | None
    created_at: datetime


class ConversationCreatedEvent(_Envelope):
    type: Literal["conversation.created"]
    payload: ConversationCreated


class ConversationUpdatedEvent(_Envelope):
    type: Literal["conversation.updated"]
    payload: ConversationUpdated


class ConversationClosedEvent(_Envelope):
    type: Literal["conversation.closed"]
    payload: ConversationStatusChanged


class ConversationReopenedEvent(_Envelope):
    type: Literal["conversation.reopened"]
    payload: ConversationStatusChanged


class ConversationDeletedEvent(_Envelope):
    type: Literal["conversation.deleted"]
    payload: ConversationStatusChanged


class ParticipantsAddedEvent(_Envelope):
    type: Literal["participants.added"]
    payload: ParticipantsAdded


class ParticipantsRemovedEvent(_Envelope):
    type: Literal["participants.removed"]
    payload: ParticipantsRemoved


class MessageCreatedEvent(_Envelope):
    type: Literal["message.created"]
    payload: MessageChanged


class MessageEditedEvent(_Envelope):
    type: Literal["message.edited"]
    payload: MessageChanged


class MessageDeletedEvent(_Envelope):
    type: Literal["message.deleted"]
    payload: MessageChanged


class ReportCreatedEvent(_Envelope):
    type: Literal["report.created"]
    payload: ReportWaiting


class UnreadChangedEvent(_Envelope):
    type: Literal["unread.changed"]
    payload: UnreadChanged


class ReadsChangedEvent(_Envelope):
    type: Literal["reads.changed"]
    payload: ReadsChanged


class SessionEndedEvent(_Envelope):
    type: Literal["session.ended"]
    payload: SessionEnded


AnyEvent = Annotated[
    ConversationCreatedEvent
    | ConversationUpdatedEvent
    | ConversationClosedEvent
    | ConversationReopenedEvent
    | ConversationDeletedEvent
    | ParticipantsAddedEvent
    | ParticipantsRemovedEvent
    | MessageCreatedEvent
    | MessageEditedEvent
    | MessageDeletedEvent
    | ReportCreatedEvent
    | UnreadChangedEvent
    | ReadsChangedEvent
    | SessionEndedEvent,
    Field(discriminator="type"),
]


class EventOut(RootModel[AnyEvent]):
    """One committed change, as the hub's `event` client method receives it and `GET /api/events` lists it."""


def event_out(event: Event) -> EventOut:
    """``event`` as the reader receives it (a deleted message's notice in the reader's language, see
    ``events.localized``), checked against its type's model: the one shape of every event a client gets."""
    return EventOut.model_validate(event.to_wire())


def event_json(event: Event) -> str:
    """``event_out`` encoded (fields a payload leaves out stay out, such as unchanged ``changes``)."""
    return event_out(event).model_dump_json(exclude_unset=True)


class TransportOut(BaseModel):
    transport: Literal["WebSockets"]
    transferFormats: list[Literal["Text"]]  # the SignalR protocol's names


class NegotiateOut(BaseModel):
    """SignalR's negotiate answer: connect the WebSocket with `?id=` the token (version 1) or the id (version 0)."""

    connectionId: str
    connectionToken: str | None = Field(default=None, description="Version 1 only.")
    negotiateVersion: int
    availableTransports: list[TransportOut]


class EventsPage(BaseModel):
    """The answer of `GET /api/events` and of the hub's `GetEventsSince`."""

    events: list[EventOut]
    latest_id: int = Field(description="The newest id in the log: where to go on from after a reload.")
    more: bool = Field(description="More events follow: ask again from the last id of this page.")
    reload: bool = Field(
        default=False,
        description="The log was pruned past `after`: reload the conversations, then go on from `latest_id`.",
    )


def events_page(found: Resync) -> EventsPage:
    return EventsPage(
        events=[event_out(event) for event in found.events],
        latest_id=found.latest_id,
        more=found.more,
        reload=found.reload,
    )
