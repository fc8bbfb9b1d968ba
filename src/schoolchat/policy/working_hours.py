"""Teachers' working hours: whether a moment falls outside them, read in the school's time zone.

Working hours are a notice for the person writing ("Maria Jensen usually answers between 08:00 and 16:00"),
never a refusal: the message is sent whenever it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from schoolchat.i18n.catalog import text
from schoolchat.policy import texts
from schoolchat.policy.decision import ALLOWED, Decision, Denied

WEEKDAYS = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class WorkingHours:
    start: time
    end: time
    days: tuple[int, ...] = WEEKDAYS  # ISO weekdays, Monday = 1

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> WorkingHours:
        return cls(
            time.fromisoformat(stored["start"]),
            time.fromisoformat(stored["end"]),
            tuple(stored.get("days", WEEKDAYS)),
        )

    def stored(self) -> dict[str, Any]:
        return {
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "days": list(self.days),
        }


def is_outside_working_hours(hours: WorkingHours, moment: datetime, time_zone: str) -> bool:
    """True when ``moment`` (aware) is outside ``hours`` on the wall clock of ``time_zone``.

    A span that ends before it starts runs over midnight (22:00–06:00) and belongs to the day it starts on.
    """
    local = moment.astimezone(ZoneInfo(time_zone))
    clock, day = local.time().replace(tzinfo=None), local.isoweekday()
    if hours.start <= hours.end:
        return not (day in hours.days and hours.start <= clock < hours.end)
    yesterday = 7 if day == 1 else day - 1
    inside = (day in hours.days and clock >= hours.start) or (yesterday in hours.days and clock < hours.end)
    return not inside


def working_hours_notice(name: str, hours: WorkingHours, moment: datetime, time_zone: str) -> str | None:
    """The composer's notice when writing to ``name`` at ``moment``; None inside their hours."""
    if not is_outside_working_hours(hours, moment, time_zone):
        return None
    return texts.usually_answers(name, hours.start.strftime("%H:%M"), hours.end.strftime("%H:%M"))


def may_set_working_hours(*, is_staff: bool) -> Decision:
    """Teachers (and admins) say when they usually answer; students are not expected to keep hours."""
    if not is_staff:
        return Denied("forbidden", text("policy.working_hours_staff_only"), 403)
    return ALLOWED
