"""Working hours (issue 13), the pure rule: is a moment outside them, on the school's clock."""

from __future__ import annotations

from datetime import UTC, datetime, time

from schoolchat.policy.working_hours import WorkingHours, is_outside_working_hours, working_hours_notice

OFFICE = WorkingHours(time(8, 0), time(16, 0))
NIGHT_SHIFT = WorkingHours(time(22, 0), time(6, 0), days=(1,))  # Monday night into Tuesday


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)  # 2026-12-07 is a Monday


def test_inside_the_hours_of_a_working_day_is_not_outside() -> None:
    assert not is_outside_working_hours(OFFICE, _utc(7, 10), "UTC")


def test_before_start_and_from_the_end_on_are_outside() -> None:
    assert is_outside_working_hours(OFFICE, _utc(7, 7, 59), "UTC")
    assert not is_outside_working_hours(OFFICE, _utc(7, 8), "UTC")
    assert is_outside_working_hours(OFFICE, _utc(7, 16), "UTC")


def test_days_off_are_outside_at_any_hour() -> None:
    assert is_outside_working_hours(OFFICE, _utc(12, 10), "UTC")  # a Saturday


def test_the_time_zone_decides_the_wall_clock() -> None:
    # 07:30 UTC is 08:30 in Oslo in winter (inside) and 02:30 in New York (outside)
    assert not is_outside_working_hours(OFFICE, _utc(7, 7, 30), "Europe/Oslo")
    assert is_outside_working_hours(OFFICE, _utc(7, 7, 30), "America/New_York")


def test_hours_over_midnight_belong_to_the_day_they_start() -> None:
    assert not is_outside_working_hours(NIGHT_SHIFT, _utc(7, 23), "UTC")  # Monday 23:00
    assert not is_outside_working_hours(NIGHT_SHIFT, _utc(8, 5), "UTC")  # Tuesday 05:00, Monday's night
    assert is_outside_working_hours(NIGHT_SHIFT, _utc(8, 23), "UTC")  # Tuesday night is not worked
    assert is_outside_working_hours(NIGHT_SHIFT, _utc(7, 5), "UTC")  # Monday 05:00 is Sunday's night


def test_the_notice_names_the_teacher_and_their_hours_only_outside_them() -> None:
    assert working_hours_notice("Maria Jensen", OFFICE, _utc(7, 20), "UTC") == (
        "Maria Jensen usually answers between 08:00 and 16:00"
    )
    assert working_hours_notice("Maria Jensen", OFFICE, _utc(7, 12), "UTC") is None
