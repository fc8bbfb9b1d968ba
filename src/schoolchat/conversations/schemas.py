"""API shapes for conversations, recipient options and participants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from schoolchat.errors import ErrorDetail
from schoolchat.inputs import Body, Id
from schoolchat.messages.schemas import NewMessage
from schoolchat.people.selection import Recipients
from schoolchat.policy.recipients import Mode

MAX_SELECTION = 1000


class RecipientSelection(Body):
    """What was picked in "Add recipients": people, courses and projects, by id."""

    people: list[Id] = Field(default_factory=list, max_length=MAX_SELECTION)
    courses: list[Id] = Field(default_factory=list, max_length=50)
    projects: list[Id] = Field(default_factory=list, max_length=50)

    def to_recipients(self) -> Recipients:
        return Recipients(tuple(self.people), tuple(self.courses), tuple(self.projects))


class RecipientOptionsOut(BaseModel):
    scenario: str
    choice_offered: bool = Field(description="Whether to offer 'Group conversation' and 'Individual messages'.")
    modes: list[Mode]
    unique_count: int = Field(description="Distinct recipients, the sender excluded.")
    outcome: str
    error: ErrorDetail | None = Field(None, description="Shown at once; sending is not possible.")
    error_on_send: ErrorDetail | None = Field(None, description="Shown after a sending attempt (§6.3, last row).")
    working_hours_notice: str | None = Field(
        None, description="For the people chosen: \"Maria Jensen usually answers between 08:00 and 16:00\" while "
                          "it is outside a teacher's working hours; sending is still possible.")


class StartConversation(Body):
    recipients: RecipientSelection
    mode: Mode | None = Field(None, strict=False, description="Required when the recipient options offer a choice.")
    name: str | None = Field(None, max_length=1000, description="Optional name of a new group conversation.")
    message: NewMessage | None = Field(None, description="An optional first message.")


class Preview(BaseModel):
    text: str
    sender_id: int | None


class IndividualRecipientOut(BaseModel):
    id: int
    name: str
    conversation_id: int = Field(description="The 1:1 with this person that the message went into.")


class ConversationOut(BaseModel):
    id: int
    kind: str
    icon: str = Field(description="The icon for the conversation's type; 'megaphone' marks a mass message.")
    name: str = Field(description="The conversation's name, or its participants' names.")
    custom_name: str | None
    status: str
    status_notice: str | None = Field(None, description="'Closed conversation' and the like, for everyone to see.")
    space_id: int | None
    created_at: datetime
    last_activity_at: datetime
    last_seq: int
    read_seq: int
    unread: int
    muted: bool = Field(False, description="Muted by the caller: no badge, no notifications; unread still shown.")
    preview: Preview | None
    formal: bool = Field(True, description="False for a teacher present through a report, not as a participant.")
    created_by: int | None = Field(None, description="Who started it: a group's creator may close and reopen it.")
    messaging_disabled_notice: str | None = Field(
        None, description="§6.4: set when an admin switched messaging off for its course or project; no one can "
                          "send here meanwhile (\"Messaging is disabled for this course.\").")
    working_hours_notice: str | None = Field(
        None, description="1:1 and group: set while it is outside the working hours of a teacher in it (\"Maria "
                          "Jensen usually answers between 08:00 and 16:00\"), for the composer; sending is "
                          "still possible.")
    recipients: list[IndividualRecipientOut] | None = Field(
        None, description="\"Sent to X people\", asked for alone: whom it went to and each one's 1:1 (the list "
                          "shows a 1:1 on its own once something besides these messages is written in it).")


class ConversationPage(BaseModel):
    conversations: list[ConversationOut]
    next_cursor: str | None


class StartedOut(BaseModel):
    conversation: ConversationOut
    created: bool
    message: dict[str, Any] | None = None
    duplicate: bool = False
    feedback: list[dict[str, Any]] = Field(default_factory=list)


class Rename(Body):
    name: str = Field(max_length=1000)


class AddParticipants(Body):
    user_ids: list[Id] = Field(min_length=1, max_length=300)


class ParticipantOut(BaseModel):
    id: int
    name: str
    title: str
    avatar_url: str | None
    initials: str
    role: str
    formal: bool
    messaging_disabled: bool
    relationship: list[dict[str, Any]]


class ParticipantsOut(BaseModel):
    participants: list[ParticipantOut]
    added: list[int] = Field(default_factory=list)
    feedback: list[dict[str, Any]] = Field(default_factory=list)
