"""§7.1 "Confirm that communication rules allow messaging this person": per-school rules, as a pure function.

A rule says whether someone with one role may start a conversation with someone with another role, and within
which scope. Schools set their own; an org without rules inherits its parent's, and the defaults below apply
where nobody has set anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from schoolchat.i18n.catalog import text
from schoolchat.kinds import SchoolRole
from schoolchat.policy.decision import ALLOWED, Decision, Denied


class Scope(StrEnum):
    NOBODY = "nobody"
    SHARED_SPACE = "shared_space"  # they share a course or project
    SAME_SCHOOL = "same_school"  # the recipient has a role in the sender's org or below it
    ANYONE = "anyone"


# Students may message the teachers of their courses and their classmates; teachers and admins anyone in their
# schools.
DEFAULT_RULES: Mapping[tuple[str, str], Scope] = {
    ("student", "student"): Scope.SHARED_SPACE,
    ("student", "teacher"): Scope.SHARED_SPACE,
    ("student", "admin"): Scope.NOBODY,
    **{("teacher", role): Scope.SAME_SCHOOL for role in SchoolRole},
    **{("admin", role): Scope.SAME_SCHOOL for role in SchoolRole},
}

Rules = Mapping[tuple[str, str], Scope]


@dataclass(frozen=True, slots=True)
class SenderSchool:
    """One org the sender holds a role in, the rules in force there, and its name for explanations."""

    org_id: int
    org_name: str
    role: str
    rules: Rules  # that org's own rules, or the nearest ancestor's; empty means the defaults


@dataclass(frozen=True, slots=True)
class RecipientFacts:
    role: str  # their highest role
    within_sender_org: frozenset[int]  # the sender's org ids that the recipient has a role in (or below)
    shares_space: bool


def scope_for(rules: Rules, sender_role: str, recipient_role: str) -> Scope:
    return rules.get((sender_role, recipient_role), DEFAULT_RULES[(sender_role, recipient_role)])


def _roles(role: str) -> str:
    """A role in the plural, as a rule's sentence names who it is about ("teachers")."""
    if role == "student":
        return text("policy.rule.students")
    if role == "teacher":
        return text("policy.rule.teachers")
    return text("policy.rule.admins")


def _rule_text(scope: Scope, org: str, sender_role: str, recipient_role: str) -> str:
    """Why a rule stops a conversation: whom it lets the sender's role message, and within what (never ANYONE)."""
    senders, recipients = _roles(sender_role), _roles(recipient_role)
    if scope is Scope.SHARED_SPACE:
        return text("policy.rule.shared_space", org=org, senders=senders, recipients=recipients)
    if scope is Scope.SAME_SCHOOL:
        return text("policy.rule.same_school", org=org, senders=senders, recipients=recipients)
    return text("policy.rule.nobody", org=org, senders=senders, recipients=recipients)


def may_start_conversation(schools: Sequence[SenderSchool], recipient: RecipientFacts) -> Decision:
    """Allowed when the rules of any org the sender belongs to allow it; else the first rule that stops it."""
    stopping: Denied | None = None
    for school in schools:
        scope = scope_for(school.rules, school.role, recipient.role)
        if (
            scope is Scope.ANYONE
            or (scope is Scope.SAME_SCHOOL and school.org_id in recipient.within_sender_org)
            or (scope is Scope.SHARED_SPACE and recipient.shares_space)
        ):
            return ALLOWED
        stopping = stopping or Denied(
            "communication_rule",
            _rule_text(scope, school.org_name, school.role, recipient.role),
            403,
            {
                "org_id": school.org_id,
                "sender_role": school.role,
                "recipient_role": recipient.role,
                "scope": str(scope),
            },
        )
    return stopping or Denied("communication_rule", text("policy.rule.no_school_role"), 403, {})
