"""What members may change about a conversation (§4.2): rename, add, leave, close and reopen."""

from __future__ import annotations

from schoolchat.policy.decision import ALLOWED, Decision, Denied

GROUP_ONLY = "This can only be done in group conversations."


def may_rename(kind: str) -> Decision:
    return ALLOWED if kind == "group" else Denied("not_a_group", GROUP_ONLY, 409)


def may_add_participants(kind: str, status: str) -> Decision:
    if kind != "group":
        return Denied("not_a_group", GROUP_ONLY, 409)
    if status != "open":
        return Denied("conversation_closed", "Participants cannot be added to a closed conversation.", 409)
    return ALLOWED


def may_leave(kind: str) -> Decision:
    if kind in ("course", "project"):
        return Denied("membership_follows_enrollment",
                      "You take part in this conversation as long as you are in the course or project.", 409)
    if kind == "direct":
        return Denied("not_a_group", GROUP_ONLY, 409)
    return ALLOWED


def may_close(kind: str, *, is_staff_here: bool, is_creator: bool) -> Decision:
    """Groups: their creator, or a teacher or admin in them. Course and project conversations: teachers and admins."""
    if kind not in ("group", "course", "project"):
        return Denied("cannot_close", "Only group, course and project conversations can be closed.", 409)
    if is_staff_here or (kind == "group" and is_creator):
        return ALLOWED
    return Denied("forbidden", "Only teachers and administrators can close or reopen this conversation.", 403)
