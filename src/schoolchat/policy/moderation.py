"""§5.3–§5.7 and reports: who may moderate, remove, report, delete and restore.

Teachers and admins moderate only conversations they are part of — formally, or through a report they opened.
Nobody reaches a conversation they are not in; staff reach students' private conversations only through a report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationKind, ConversationStatus, SchoolRole, SpaceRole
from schoolchat.policy import texts
from schoolchat.policy.decision import ALLOWED, Decision, Denied


def reviews_reports(school_roles: Iterable[SchoolRole], space_roles: Iterable[SpaceRole]) -> bool:
    """Teachers and admins, of a school or of a course or project, review reports: they get the Reports inbox.

    Which reports each one reads is decided when a report is filed (``moderation.queries.route_report``); this
    only says whether the inbox is offered at all."""
    staff = {SchoolRole.TEACHER, SchoolRole.ADMIN, SpaceRole.TEACHER}
    return any(role in staff for role in (*school_roles, *space_roles))


def _confirmation_required() -> Denied:
    return Denied("confirmation_required", text("policy.confirm_cannot_be_undone"), 409, {"confirm": True})


@dataclass(frozen=True, slots=True)
class ModeratorFacts:
    """The caller's standing in one conversation (they are an active member, or they would not reach it)."""

    staff_here: bool  # a teacher of the course/project, or a teacher or admin of a school
    via_report: bool  # joined through a report they opened: not a formal participant, may moderate


def _may_moderate(facts: ModeratorFacts) -> bool:
    return facts.staff_here or facts.via_report


@dataclass(frozen=True, slots=True)
class DeleteFacts:
    """The message a moderator would delete: what the confirmation step tells them."""

    deleted: bool
    author_name: str
    held_as_evidence: bool  # a report froze it: its reviewers keep a copy


def may_moderator_delete(
    facts: ModeratorFacts, message: DeleteFacts, *, moderator_name: str, confirmed: bool
) -> Decision:
    if not _may_moderate(facts):
        return Denied("forbidden", text("policy.moderate.delete_others_staff_only"), 403)
    if message.deleted:
        return Denied("message_deleted", text("policy.message_already_deleted"), 409)
    if confirmed:
        return ALLOWED
    return Denied(
        "confirmation_required",
        texts.moderator_delete_confirmation(
            message.author_name, moderator_name, kept_as_evidence=message.held_as_evidence
        ),
        409,
        {"confirm": True, "kept_as_evidence": message.held_as_evidence},
    )


def may_remove_participant(
    facts: ModeratorFacts, *, kind: ConversationKind, target_formal: bool, target_is_self: bool
) -> Decision:
    """§5.6: group conversations only; a teacher present through a report is not a participant to remove."""
    if not _may_moderate(facts):
        return Denied("forbidden", text("policy.moderate.remove_staff_only"), 403)
    if kind != "group":
        return Denied("not_a_group", text("policy.moderate.remove_groups_only"), 409)
    if target_is_self:
        return Denied("use_leave", text("policy.moderate.use_leave"), 409)
    if not target_formal:
        return Denied("not_a_formal_participant", text("policy.moderate.not_a_formal_participant"), 409)
    return ALLOWED


def may_report_message(*, is_author: bool, deleted: bool) -> Decision:
    """§4.3: report abuse is offered on messages from others."""
    if is_author:
        return Denied("own_message", text("policy.report.own_message"), 409)
    if deleted:
        return Denied("message_deleted", text("policy.report.message_removed"), 409)
    return ALLOWED


def may_report_conversation(kind: ConversationKind) -> Decision:
    """§4.2: report abuse is a group conversation setting (messages can be reported in any conversation)."""
    if kind != "group":
        return Denied("not_a_group", text("policy.report.groups_only"), 409)
    return ALLOWED


def may_delete_conversation(
    kind: ConversationKind, status: ConversationStatus, *, staff_here: bool, confirmed: bool
) -> Decision:
    """§5.7: course and project conversations, by their teachers and admins."""
    if kind not in ("course", "project"):
        return Denied("not_a_course_conversation", text("policy.delete_conversation.course_only"), 409)
    if not staff_here:
        return Denied("forbidden", text("policy.delete_conversation.staff_only"), 403)
    if status == "deleted":
        return Denied("conversation_deleted", text("policy.delete_conversation.already_deleted"), 409)
    return ALLOWED if confirmed else _confirmation_required()


def may_restore_conversation(status: ConversationStatus, *, newer_live_exists: bool) -> Decision:
    """§5.7 note: a reviewer restores a deleted, reported conversation from the original report."""
    if status != "deleted":
        return Denied("not_deleted", text("policy.restore.not_deleted"), 409)
    if newer_live_exists:
        return Denied("newer_conversation_exists", text("policy.restore.newer_conversation_exists"), 409)
    return ALLOWED
