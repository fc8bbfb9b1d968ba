"""Retention (issue 16): how long each kind of content is kept, per org, inherited down the hierarchy.

An org sets a number of days for some kinds, or "keep" (``None``) explicitly; a kind it leaves unset follows its
nearest ancestor's setting, and where nobody has set anything content is kept. Whose setting applies:
- messages of a course or project conversation: the space's org, counted from the day the space ended
  (``spaces.ends_on``; a space without an end never expires);
- messages of 1:1, group and "Sent to X people" conversations, mass messages, and closed reports: the orgs of the
  person who wrote them (the sender, the reporter). Someone in several schools keeps the longest of their schools'
  periods: nothing is removed while any of their schools still wants it kept.
A closed report is removed only after its legal hold (``policy.privacy.held_until``) has passed as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from schoolchat.policy import texts
from schoolchat.policy.decision import ALLOWED, Decision, Denied
from schoolchat.policy.privacy import held_until


class Kind(StrEnum):
    SPACE_MESSAGES = "space_messages"  # course and project conversations, N days after the space ended
    CONVERSATION_MESSAGES = "conversation_messages"  # 1:1, group and "Sent to X people", N days after sending
    MASS_MESSAGES = "mass_messages"  # one-way mass messages (§6.5), N days after sending
    CLOSED_REPORTS = "closed_reports"  # reviewed or dismissed reports, N days after closing (and the hold)


# The conversation kinds whose messages each message kind covers.
CONVERSATION_KINDS: Mapping[Kind, tuple[str, ...]] = {
    Kind.SPACE_MESSAGES: ("course", "project"),
    Kind.CONVERSATION_MESSAGES: ("direct", "group", "individual"),
    Kind.MASS_MESSAGES: ("mass",),
}

Days = int | None  # None: kept
Setting = Mapping[Kind, Days]  # one org's own settings; a kind missing from it is inherited


@dataclass(frozen=True, slots=True)
class InForce:
    """The period in force for one kind in one org, and the org that set it (None: nobody did, so it is kept)."""

    days: Days
    set_by: int | None


def in_force(chain: Sequence[int], settings: Mapping[int, Setting], kind: Kind) -> InForce:
    """The period for ``kind`` in the first org of ``chain`` (the org and its ancestors, nearest first): its own
    setting, or its nearest ancestor's."""
    for org_id in chain:
        own = settings.get(org_id, {})
        if kind in own:
            return InForce(own[kind], org_id)
    return InForce(None, None)


@dataclass(frozen=True, slots=True)
class Band:
    """The people a period of ``days`` applies to: those with a role in one of ``orgs`` and in none of
    ``longer`` (the orgs that keep longer, or keep)."""

    days: int
    orgs: frozenset[int]
    longer: frozenset[int]


def bands(periods: Mapping[int, Days]) -> list[Band]:
    """Split the orgs (each with its period in force) into the bands of people under each period: someone with
    several schools keeps the longest of their periods, so nothing of theirs goes while any of their schools
    still keeps it; someone with no school at all is in no band (kept)."""
    finite = sorted({days for days in periods.values() if days is not None})
    return [
        Band(
            days,
            frozenset(org for org, held in periods.items() if held == days),
            frozenset(org for org, held in periods.items() if held is None or held > days),
        )
        for days in finite
    ]


def report_removable(
    status: str, reviewed_at: datetime | None, days: Days, hold_days: int, now: datetime
) -> bool:
    """A closed report goes once its retention period and its legal hold have both passed since it was closed;
    an open (or escalated) report never goes."""
    hold_ends = held_until(status, reviewed_at, hold_days)
    if days is None or hold_ends is None or reviewed_at is None:
        return False
    return (now - reviewed_at).days >= days and hold_ends <= now


def may_run(*, confirmed: bool, org_name: str, counts: Mapping[str, int]) -> Decision:
    """A real run removes content for good: the admin confirms, told how much goes."""
    if not confirmed:
        return Denied(
            "confirmation_required",
            texts.retention_confirmation(org_name, counts),
            409,
            {"confirm": True, "counts": dict(counts)},
        )
    return ALLOWED
