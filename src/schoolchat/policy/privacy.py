"""Who may erase a person (GDPR Art. 17): pure rules over facts the action gathers."""

from __future__ import annotations

from datetime import datetime, timedelta

from schoolchat.policy import texts
from schoolchat.policy.decision import ALLOWED, Decision, Denied

CLOSED = ("reviewed", "dismissed")  # a report in any other status (open, escalated) is not closed


def held_until(status: str, reviewed_at: datetime | None, hold_days: int) -> datetime | None:
    """When a report's legal hold ends: ``hold_days`` after it was closed; never while it is open. The one hold
    rule: erasure releases evidence by it, retention removes a closed report only after it."""
    if status not in CLOSED or reviewed_at is None:
        return None
    return reviewed_at + timedelta(days=hold_days)


def may_erase_person(
    *, is_self: bool, erased: bool, confirmed: bool, name: str, messages: int, held_reports: int
) -> Decision:
    """An admin of the person (``may_administer_user``, checked first) erases them after confirming what goes and
    what legal hold keeps; nobody erases themself, and nobody twice."""
    if is_self:
        return Denied("cannot_erase_self", texts.cannot_erase_self(), 409)
    if erased:
        return Denied("already_erased", texts.already_erased(), 409)
    if not confirmed:
        return Denied(
            "confirmation_required",
            texts.erase_confirmation(name, messages, held_reports),
            409,
            {"confirm": True, "messages": messages, "kept_as_evidence": held_reports},
        )
    return ALLOWED
