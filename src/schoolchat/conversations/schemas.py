"""API shapes for conversations, recipient options, participants and §6.4 feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schoolchat.answers import Answer
from schoolchat.errors import ErrorDetail
from schoolchat.inputs import Body, Id
from schoolchat.kinds import ConversationKind, ConversationStatus, SpaceKind, SpaceRole
from schoolchat.people.selection import Recipients
from schoolchat.policy.recipients import Mode, Scenario

MAX_SELECTION = 1000


class RecipientSelection(Body):
    """What was picked in "Add recipients": people, courses and projects, by id."""

    people: list[Id] = Field(default_factory=list, max_length=MAX_SELECTION)
    courses: list[Id] = Field(default_factory=list, max_length=50)
    projects: list[Id] = Field(default_factory=list, max_length=50)

    def to_recipients(self) -> Recipients:
        return Recipients(tuple(self.people), tuple(self.courses), tuple(self.projects))


class RecipientOptionsOut(Answer):
    scenario: Scenario
    choice_offered: bool = Field(
        description="Whether to offer 'Group conversation' and 'Individual messages'."
    )
    modes: list[Mode]
    unique_count: int = Field(description="Distinct recipients, the sender excluded.")
    outcome: str
    error: ErrorDetail | None = Field(default=None, description="Shown at once; sending is not possible.")
    error_on_send: ErrorDetail | None = Field(
        default=None, description="Shown after a sending attempt (§6.3, last row)."
    )
    working_hours_notice: str | None = Field(
        default=None,
        description="For the people chosen: \"Maria Jensen usually answers between 08:00 and 16:00\" while "
        "it is outside a teacher's working hours; sending is still possible.",
    )


class Preview(BaseModel):
    text: str
    sender_id: int | None


class IndividualRecipientOut(BaseModel):
    id: int
    name: str
    conversation_id: int = Field(description="The 1:1 with this person that the message went into.")


class ConversationActions(BaseModel):
    """What the caller may do here, decided by the same policy functions that decide the request itself (the
    settings and message menus offer exactly these; the server still decides each request afresh)."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    send: bool = Field(description="Write or forward a message into it.")
    edit_own: bool = Field(description="Edit one's own messages (§4.3).")
    moderate: bool = Field(description="Delete messages of others (§5.5).")
    see_reads: bool = Field(description="\"Read by X of Y\" on one's own messages.")
    rename: bool
    add_participants: bool
    remove_participants: bool = Field(description="Remove formal participants other than oneself (§5.6).")
    leave: bool
    close: bool = Field(description="Close it, or reopen it when closed (§5.7).")
    delete: bool = Field(description="Delete a course or project conversation (§5.7).")
    report: bool = Field(description="Report the whole conversation (groups).")


class ConversationOut(Answer):
    """A conversation as the caller sees it: in the list, alone, and in answers to its settings."""

    id: int
    kind: ConversationKind
    icon: str = Field(description="The icon for the conversation's type; 'megaphone' marks a mass message.")
    name: str = Field(description="The conversation's name, or its participants' names.")
    custom_name: str | None
    status: ConversationStatus
    status_notice: str | None = Field(description="'Closed conversation' and the like, for everyone to see.")
    space_id: int | None
    created_at: datetime
    last_activity_at: datetime
    last_seq: int
    read_seq: int
    unread: int
    muted: bool = Field(
        False, description="Muted by the caller: no badge, no notifications; unread still shown."
    )
    preview: Preview | None
    formal: bool = Field(
        True, description="False for a teacher present through a report, not as a participant."
    )
    created_by: int | None = Field(default=None, description="Who started it.")
    actions: ConversationActions
    messaging_disabled_notice: str | None = Field(
        default=None,
        description="§6.4: set when an admin switched messaging off for its course or project; no one can "
        "send here meanwhile (\"Messaging is disabled for this course.\").",
    )
    working_hours_notice: str | None = Field(
        default=None,
        description="1:1 and group: set while it is outside the working hours of a teacher in it (\"Maria "
        "Jensen usually answers between 08:00 and 16:00\"), for the composer; sending is "
        "still possible.",
    )
    recipients: list[IndividualRecipientOut] | None = Field(
        default=None,
        description="\"Sent to X people\", asked for alone: whom it went to and each one's 1:1 (the list "
        "shows a 1:1 on its own once something besides these messages is written in it).",
    )


class ConversationRef(BaseModel):
    """Which conversation something is about, for a reader who may not have it listed yet (a search hit, a
    ``conversation.created`` event); the caller's own view of it is ``ConversationOut``."""

    id: int
    kind: ConversationKind
    name: str | None = Field(description="Its name; in a search hit, as the caller's list shows it.")
    space_id: int | None = Field(default=None, description="Its course or project.")


class ConversationPage(BaseModel):
    conversations: list[ConversationOut]
    next_cursor: str | None


class Rename(Body):
    name: str = Field(max_length=1000)


class AddParticipants(Body):
    user_ids: list[Id] = Field(min_length=1, max_length=300)


class FeedbackOut(BaseModel):
    """§6.4: a recipient who cannot take part, and why, in the reference's words."""

    model_config = ConfigDict(from_attributes=True)

    user_id: int = Field(description="The person it is about.")
    code: Literal["cannot_deliver", "cannot_participate", "cannot_receive"]
    message: str


class RelationshipOut(BaseModel):
    """§4.2: a course or project the caller shares with a participant, and both roles there."""

    space_id: int
    kind: SpaceKind
    name: str
    your_role: SpaceRole
    their_role: SpaceRole
    text: str = Field(description="\"You are their teacher in Math 7\" and the like.")


class ParticipantOut(BaseModel):
    id: int
    name: str
    title: str
    avatar_url: str | None
    initials: str
    role: str
    formal: bool
    messaging_disabled: bool
    relationship: list[RelationshipOut]


class ParticipantsOut(Answer):
    participants: list[ParticipantOut]
    added: list[int] = Field(default_factory=list)
    feedback: list[FeedbackOut] = Field(default_factory=list)
