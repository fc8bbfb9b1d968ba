"""What members may change about a conversation (§4.2): rename, add, leave, close and reopen."""

from __future__ import annotations

from schoolchat.i18n.catalog import text
from schoolchat.policy.decision import ALLOWED, Decision, Denied


def _group_only() -> Denied:
    return Denied("not_a_group", text("policy.group_only"), 409)


def may_rename(kind: str) -> Decision:
    return ALLOWED if kind == "group" else _group_only()


def may_add_participants(kind: str, status: str) -> Decision:
    if kind != "group":
        return _group_only()
    if status != "open":
        return Denied("conversation_closed", text("policy.add_to_closed"), 409)
    return ALLOWED


def may_leave(kind: str) -> Decision:
    if kind in ("course", "project"):
        return Denied("membership_follows_enrollment", text("policy.membership_follows_enrollment"), 409)
    if kind == "direct":
        return _group_only()
    return ALLOWED


def may_close(kind: str, *, is_staff_here: bool, is_creator: bool) -> Decision:
    """Groups: their creator, or a teacher or admin in them. Course and project conversations: teachers and admins."""
    if kind not in ("group", "course", "project"):
        return Denied("cannot_close", text("policy.cannot_close"), 409)
    if is_staff_here or (kind == "group" and is_creator):
        return ALLOWED
    return Denied("forbidden", text("policy.close_staff_only"), 403)
