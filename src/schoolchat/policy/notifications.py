"""Who is told about a message, and when (issue 13). Pure: the facts come from ``notifications/``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from schoolchat.policy.quiet_hours import QuietHours, earliest_send

EmailMode = Literal["off", "soon", "hourly", "daily"]


@dataclass(frozen=True)
class RecipientFacts:
    user_id: int
    role: str  # the highest role they hold (student < teacher < admin)
    email_mode: EmailMode  # their own preference, else their school's default
    has_email: bool
    has_push: bool
    disabled: bool  # messaging off for them or an org above them (§6.4)
    muted: bool
    quiet: QuietHours | None
    timezone: ZoneInfo


@dataclass(frozen=True)
class Timing:
    soon: timedelta
    push_delay: timedelta
    daily_hour: int


def may_notify(facts: RecipientFacts, sender_id: int) -> bool:
    """Never about one's own messages, never in a muted conversation, never to someone with messaging off."""
    return facts.user_id != sender_id and not facts.muted and not facts.disabled


def email_due(created: datetime, mode: EmailMode, timing: Timing, tz: ZoneInfo) -> datetime | None:
    """When an email about a message written at ``created`` may go out under the person's preference."""
    if mode == "soon":
        return created + timing.soon
    if mode == "hourly":  # the next full hour: everything of one hour arrives in one digest
        return created.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if mode == "daily":  # the next digest hour in the school's time zone
        local = created.astimezone(tz)
        at = datetime.combine(local.date(), time(timing.daily_hour), tz)
        if at <= local:
            at = datetime.combine(local.date() + timedelta(days=1), time(timing.daily_hour), tz)
        return at.astimezone(created.tzinfo)
    return None


def due_times(
    facts: RecipientFacts, created: datetime, now: datetime, urgent: bool, timing: Timing
) -> dict[str, datetime]:
    """For each channel that should carry the message to this person, the moment it may be sent: what their
    preference says (not before ``now``), then after quiet hours for students, unless urgent."""
    wanted: dict[str, datetime | None] = {
        "email": email_due(created, facts.email_mode, timing, facts.timezone) if facts.has_email else None,
        "push": created + timing.push_delay if facts.has_push else None,
    }
    return {
        channel: earliest_send(max(at, now), facts.quiet, facts.role, urgent)
        for channel, at in wanted.items()
        if at is not None
    }
