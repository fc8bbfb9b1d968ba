"""Message-level options of §4.3: edit and delete your own messages; forward what you can see."""

from __future__ import annotations

from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationStatus
from schoolchat.policy import texts
from schoolchat.policy.decision import ALLOWED, Decision, Denied


def may_edit(*, is_author: bool, deleted: bool, conversation_status: ConversationStatus) -> Decision:
    if not is_author:
        return Denied("not_your_message", text("policy.edit_own_only"), 403)
    if deleted:
        return Denied("message_deleted", text("policy.edit_deleted"), 409)
    if conversation_status == "closed":
        return Denied("conversation_closed", texts.conversation_closed(), 409)
    if conversation_status == "deleted":
        return Denied("conversation_deleted", texts.conversation_deleted(), 409)
    return ALLOWED


def may_delete_own(*, is_author: bool, deleted: bool) -> Decision:
    if not is_author:
        return Denied("not_your_message", text("policy.delete_own_only"), 403)
    if deleted:
        return Denied("message_deleted", text("policy.message_already_deleted"), 409)
    return ALLOWED


def may_forward(*, deleted: bool) -> Decision:
    return Denied("message_deleted", text("policy.forward_deleted"), 409) if deleted else ALLOWED
