"""API shapes for messages, sends (a conversation started with its first message among them) and unread state."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schoolchat.answers import Answer
from schoolchat.attachments.schemas import AttachmentOut
from schoolchat.conversations.schemas import ConversationOut, FeedbackOut, RecipientSelection
from schoolchat.inputs import Body, Cursor, Id
from schoolchat.policy.recipients import Mode

CLIENT_ID_PATTERN = r"^[A-Za-z0-9._:\-]{1,64}$"


class NewMessage(Body):
    body: str = Field(
        "",
        max_length=100_000,
        description="Plain text; web links are shown as links. May be empty when the message carries files.",
    )
    client_message_id: str | None = Field(
        default=None,
        pattern=CLIENT_ID_PATTERN,
        description="Chosen by the client; a retry with the same id returns the original message.",
    )
    attachment_ids: list[Id] = Field(
        default_factory=list,
        max_length=10,
        description="Files uploaded with POST /api/attachments, in display order.",
    )


class EditMessage(Body):
    body: str = Field(max_length=100_000)


class SenderOut(BaseModel):
    id: int
    name: str
    avatar_url: str | None


class DeletedOut(BaseModel):
    at: datetime
    by: int | None = Field(
        description="Who deleted it: the sender, a moderator, or nobody (an erasure or retention job)."
    )
    by_name: str | None = Field(
        description="The moderator's name when someone other than the sender removed it."
    )
    notice: str = Field(
        description="\"This message was deleted.\" or \"This message was removed by NAME\", in "
        "the reader's language."
    )


class ForwardedOut(BaseModel):
    message_id: int | None
    sender_name: str = Field(description="The original author (the first one, when forwarding a forward).")


class ReadByOut(BaseModel):
    read: int
    total: int
    text: str = Field(description="\"Read by 23 of 28\"")


class MessageOut(BaseModel):
    """A message as every reader sees it: in history, in answers to writes, in events and in search hits."""

    id: int
    conversation_id: int
    seq: int = Field(description="Its place in the conversation: 1, 2, 3, … (history pages by `before_seq`).")
    sender: SenderOut
    client_message_id: str | None
    body: str | None = Field(description="The text as typed; null once deleted.")
    html: str | None = Field(
        description="The text rendered (links as links, everything else escaped); null once deleted."
    )
    created_at: datetime
    edited_at: datetime | None
    deleted: DeletedOut | None = Field(
        description="Set once deleted: the message keeps its place, not its content."
    )
    forwarded_from: ForwardedOut | None
    attachments: list[AttachmentOut] = Field(description="In display order; empty once deleted.")
    read_by: ReadByOut | None = Field(
        default=None,
        description="Only on history pages asked with `read_by=true`, on the "
        "caller's own messages where they may see it.",
    )


class SentOut(Answer):
    model_config = ConfigDict(from_attributes=True)  # from ``actions.Sent``

    message: MessageOut
    conversation_id: int
    conversation_created: bool
    duplicate: bool = Field(description="True when this answers a retry: nothing new was written.")
    feedback: list[FeedbackOut] = Field(
        default_factory=list, description="§6.4 feedback on disabled recipients."
    )


class StartConversation(Body):
    recipients: RecipientSelection
    mode: Mode | None = Field(
        default=None, strict=False, description="Required when the recipient options offer a choice."
    )
    name: str | None = Field(
        default=None, max_length=1000, description="Optional name of a new group conversation."
    )
    message: NewMessage | None = Field(default=None, description="An optional first message.")


class StartedOut(Answer):
    conversation: ConversationOut
    created: bool
    message: MessageOut | None = None
    duplicate: bool = False
    feedback: list[FeedbackOut] = Field(default_factory=list)


class HistoryPage(BaseModel):
    messages: list[MessageOut]
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
