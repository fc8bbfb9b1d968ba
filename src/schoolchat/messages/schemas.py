"""API shapes for messages, sends and unread state."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from schoolchat.inputs import Body, Cursor, Id

CLIENT_ID_PATTERN = r"^[A-Za-z0-9._:\-]{1,64}$"


class NewMessage(Body):
    body: str = Field("", max_length=100_000, description="Plain text; web links are shown as links. May be "
                      "empty when the message carries files.")
    client_message_id: str | None = Field(
        None, pattern=CLIENT_ID_PATTERN,
        description="Chosen by the client; a retry with the same id returns the original message.")
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10,
                                      description="Files uploaded with POST /api/attachments, in display order.")


class EditMessage(Body):
    body: str = Field(max_length=100_000)


class SentOut(BaseModel):
    message: dict[str, Any]
    conversation_id: int
    conversation_created: bool
    duplicate: bool = Field(description="True when this answers a retry: nothing new was written.")
    feedback: list[dict[str, Any]] = Field(default_factory=list, description="§6.4 feedback on disabled recipients.")


class HistoryPage(BaseModel):
    messages: list[dict[str, Any]]
    next_before_seq: int | None


class MarkRead(Body):
    up_to_seq: Cursor | None = None


class UnreadOut(BaseModel):
    conversation_id: int
    unread: int
    total: int = Field(description="The badge: unread messages in conversations the caller has not muted.")


class BadgeOut(BaseModel):
    total: int = Field(description="The badge: unread messages in conversations the caller has not muted.")
    conversations: dict[int, int]


class ReaderOut(BaseModel):
    id: int
    name: str


class ReadsOut(BaseModel):
    message_id: int
    read: int = Field(description="Recipients whose read cursor is at or past the message.")
    total: int = Field(description="Recipients: members other than the sender who received it.")
    text: str = Field(description="\"Read by 23 of 28\"")
    state: Literal["read", "unread"] = Field(description="Which of the two lists `people` holds.")
    people: list[ReaderOut]
    next_after: int | None = Field(description="Pass back as `after` for the next page of the same list.")
