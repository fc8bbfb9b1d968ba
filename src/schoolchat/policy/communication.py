"""§7.1 "Confirm that communication rules allow messaging this person": per-school rules, as a pure function.

A rule says whether someone with one role may start a conversation with someone with another role, and within
which scope. Schools set their own; an org without rules inherits its parent's, and the defaults below apply
where nobody has set anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from schoolchat.kinds import SchoolRole
from schoolchat.policy.decision import ALLOWED, Decision, Denied


class Scope(StrEnum):
    NOBODY = "nobody"
    SHARED_SPACE = "shared_space"  # they share a course or project
    SAME_SCHOOL = "same_school"  # the recipient has a role in the sender's org or below it
    ANYONE = "anyone"


SCOPE_TEXT = {
    Scope.NOBODY: "not at all",
    Scope.SHARED_SPACE: "only within a shared course or project",
    Scope.SAME_SCHOOL: "only within the same school",
    Scope.ANYONE: "anyone",
}

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


def may_start_conversation(schools: Sequence[SenderSchool], recipient: RecipientFacts) -> Decision:
    """Allowed when the rules of any org the sender belongs to allow it; else the first rule that stops it."""
    stopping: Denied | None = None
    for school in schools:
        scope = scope_for(school.rules, school.role, recipient.role)
        if (scope is Scope.ANYONE
                or (scope is Scope.SAME_SCHOOL and school.org_id in recipient.within_sender_org)
                or (scope is Scope.SHARED_SPACE and recipient.shares_space)):
            return ALLOWED
        stopping = stopping or Denied(
            "communication_rule",
            f"The communication rules of {school.org_name} let {school.role}s message {recipient.role}s "
            f"{SCOPE_TEXT[scope]}.",
            403,
            {"org_id": school.org_id, "sender_role": school.role, "recipient_role": recipient.role,
             "scope": str(scope)},
        )
    return stopping or Denied("communication_rule", "You have no role in a school, so you cannot start "
                                                    "conversations.", 403, {})
