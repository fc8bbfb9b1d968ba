"""The typed events of the event log, and how each is addressed.

Every event type is listed here with the payload it carries; actions append them through ``realtime.log``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from schoolchat.policy.texts import deletion_notice
from schoolchat.wire import timestamp


class EventType(StrEnum):
    CONVERSATION_CREATED = "conversation.created"  # {conversation}
    CONVERSATION_UPDATED = "conversation.updated"  # {conversation_id, changes: {name}}
    CONVERSATION_CLOSED = "conversation.closed"  # {conversation_id, by: {id, name}}
    CONVERSATION_REOPENED = "conversation.reopened"  # {conversation_id, by}
    CONVERSATION_DELETED = "conversation.deleted"  # {conversation_id, by}
    PARTICIPANTS_ADDED = "participants.added"  # {conversation_id, user_ids}
    PARTICIPANTS_REMOVED = "participants.removed"  # {conversation_id, user_ids, by, reason}
    MESSAGE_CREATED = "message.created"  # {conversation_id, message}
    MESSAGE_EDITED = "message.edited"  # {conversation_id, message}
    MESSAGE_DELETED = "message.deleted"  # {conversation_id, message}
    REPORT_CREATED = "report.created"  # {report_id} — to each reviewer: their report inbox changed
    UNREAD_CHANGED = "unread.changed"  # {conversation_id, unread, total} — to one user
    # {conversation_id, message_ids} — to a sender who sees read counts: those messages' counts changed
    READS_CHANGED = "reads.changed"
    SESSION_ENDED = "session.ended"  # {token_id} — to one user: the hub closes that credential's sockets


@dataclass(frozen=True, slots=True)
class Event:
    """One committed change. ``conversation_id`` alone: every active member; ``user_id``: that user only."""

    id: int
    type: EventType
    conversation_id: int | None
    user_id: int | None
    payload: dict[str, Any]
    created_at: datetime

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": str(self.type),
            "conversation_id": self.conversation_id,
            "payload": localized(self.payload),
            "created_at": timestamp(self.created_at),
        }


def for_log(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` as the event log keeps it: a deleted message's notice is a sentence in someone's language, so it
    is left out (``localized`` writes it again for each reader)."""
    if not in_reader_language(payload):
        return payload
    message = payload["message"]
    deleted = {key: value for key, value in message["deleted"].items() if key != "notice"}
    return {**payload, "message": {**message, "deleted": deleted}}


def in_reader_language(payload: dict[str, Any]) -> bool:
    """Whether a reader receives ``payload`` in their own language: it carries a sentence (a deleted message's
    notice, which ``localized`` writes); every other payload reads the same in every language."""
    message = payload.get("message")
    return isinstance(message, dict) and isinstance(message.get("deleted"), dict)


def localized(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` as a reader receives it: a deleted message's notice in the reader's language."""
    if not in_reader_language(payload):
        return payload
    message = payload["message"]
    deleted = message["deleted"]
    notice = deletion_notice(message["sender"]["id"], deleted.get("by"), deleted.get("by_name"))
    return {**payload, "message": {**message, "deleted": {**deleted, "notice": notice}}}
