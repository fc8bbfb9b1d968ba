"""Quiet hours (issue 13): when a notification may reach someone.

A school keeps quiet hours in its own time zone (e.g. 21:00–07:00, weekends optionally quiet all day). During
them messages still arrive in the app, but notifications to students wait until the quiet hours end. Teachers and
admins are not held, and an admin's urgent mass message ignores quiet hours for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

HELD_ROLES = frozenset({"student"})
SATURDAY = 5


@dataclass(frozen=True)
class QuietHours:
    """``start``/``end`` are local times; ``start > end`` spans midnight; ``start == end`` (or None) is none."""

    timezone: ZoneInfo
    start: time | None = None
    end: time | None = None
    weekends: bool = False

    def _in_window(self, at: time) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end


def earliest_send(now: datetime, rules: QuietHours | None, role: str, urgent: bool) -> datetime:
    """The first moment at or after ``now`` (aware) when a notification to someone with ``role`` may go out."""
    if rules is None or urgent or role not in HELD_ROLES:
        return now
    at = now
    for _ in range(4):  # a weekend, then the night before Monday morning: never more than a few steps
        local = at.astimezone(rules.timezone)
        if rules.weekends and local.weekday() >= SATURDAY:
            monday = local.date() + timedelta(days=7 - local.weekday())
            at = datetime.combine(monday, time(0), rules.timezone)
            continue
        if rules._in_window(local.time()):
            assert rules.end is not None
            day = local.date() if local.time() < rules.end else local.date() + timedelta(days=1)
            at = datetime.combine(day, rules.end, rules.timezone)
            continue
        return at.astimezone(now.tzinfo)
    return at.astimezone(now.tzinfo)
