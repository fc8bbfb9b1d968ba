"""policy.quiet_hours: when a notification may go out, in the school's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from schoolchat.policy.quiet_hours import QuietHours, earliest_send

OSLO = ZoneInfo("Europe/Oslo")
NIGHTS = QuietHours(OSLO, time(21), time(7))


def _oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)


def test_outside_quiet_hours_a_student_is_notified_at_once() -> None:
    assert earliest_send(_oslo(2026, 12, 1, 15, 0), NIGHTS, "student", False) == _oslo(2026, 12, 1, 15, 0)


def test_in_the_evening_a_students_notification_waits_for_the_morning() -> None:
    assert earliest_send(_oslo(2026, 12, 1, 22, 30), NIGHTS, "student", False) == _oslo(2026, 12, 2, 7, 0)


def test_after_midnight_it_waits_for_the_same_mornings_end() -> None:
    assert earliest_send(_oslo(2026, 12, 2, 3, 0), NIGHTS, "student", False) == _oslo(2026, 12, 2, 7, 0)


def test_teachers_and_admins_are_not_held() -> None:
    for role in ("teacher", "admin"):
        assert earliest_send(_oslo(2026, 12, 1, 23, 0), NIGHTS, role, False) == _oslo(2026, 12, 1, 23, 0)


def test_urgent_ignores_quiet_hours() -> None:
    assert earliest_send(_oslo(2026, 12, 1, 23, 0), NIGHTS, "student", True) == _oslo(2026, 12, 1, 23, 0)


def test_quiet_weekends_hold_until_monday_mornings_end_of_quiet_hours() -> None:
    weekends = QuietHours(OSLO, time(21), time(7), weekends=True)
    friday_night, monday_morning = _oslo(2026, 12, 4, 22, 0), _oslo(2026, 12, 7, 7, 0)
    assert earliest_send(friday_night, weekends, "student", False) == monday_morning
    assert earliest_send(_oslo(2026, 12, 6, 12, 0), weekends, "student", False) == monday_morning


def test_a_daytime_window_holds_within_the_same_day() -> None:
    lessons = QuietHours(OSLO, time(8, 30), time(14, 15))
    assert earliest_send(_oslo(2026, 12, 1, 9, 0), lessons, "student", False) == _oslo(2026, 12, 1, 14, 15)


def test_the_end_is_in_local_time_across_a_daylight_saving_change() -> None:
    # Night of 28/29 March 2026: Oslo moves from UTC+1 to UTC+2; 07:00 local is 05:00 UTC.
    assert earliest_send(_oslo(2026, 3, 28, 23, 0), NIGHTS, "student", False) == datetime(
        2026, 3, 29, 5, 0, tzinfo=UTC
    )


def test_no_quiet_hours_hold_nothing() -> None:
    assert earliest_send(_oslo(2026, 12, 1, 23, 0), None, "student", False) == _oslo(2026, 12, 1, 23, 0)
