"""What members may change about a conversation (§4.2): rename, add, leave, close and reopen."""

from __future__ import annotations

from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationKind, ConversationStatus
from schoolchat.policy.decision import ALLOWED, Decision, Denied


def _group_only() -> Denied:
    return Denied("not_a_group", text("policy.group_only"), 409)


def may_rename(kind: ConversationKind) -> Decision:
    return ALLOWED if kind == ConversationKind.GROUP else _group_only()


def may_add_participants(kind: ConversationKind, status: ConversationStatus) -> Decision:
    if kind != ConversationKind.GROUP:
        return _group_only()
    if status != ConversationStatus.OPEN:
        return Denied("conversation_closed", text("policy.add_to_closed"), 409)
    return ALLOWED


def may_leave(kind: ConversationKind) -> Decision:
    if kind in (ConversationKind.COURSE, ConversationKind.PROJECT):
        return Denied("membership_follows_enrollment", text("policy.membership_follows_enrollment"), 409)
    if kind == ConversationKind.DIRECT:
        return _group_only()
    return ALLOWED


def may_close(kind: ConversationKind, *, is_staff_here: bool, is_creator: bool) -> Decision:
    """Groups: their creator, or a teacher or admin in them. Course and project conversations: teachers and admins."""
    if kind not in (ConversationKind.GROUP, ConversationKind.COURSE, ConversationKind.PROJECT):
        return Denied("cannot_close", text("policy.cannot_close"), 409)
    if is_staff_here or (kind == ConversationKind.GROUP and is_creator):
        return ALLOWED
    return Denied("forbidden", text("policy.close_staff_only"), 403)
