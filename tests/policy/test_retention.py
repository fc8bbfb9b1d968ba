"""The pure retention rules: inheritance down the hierarchy, the longest period of someone's schools, reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schoolchat.policy.retention import Band, InForce, Kind, bands, in_force, report_removable

NOW = datetime(2026, 12, 2, tzinfo=UTC)


def test_an_org_takes_its_own_setting_or_its_nearest_ancestors_and_keeps_when_nobody_set_one() -> None:
    settings = {1: {Kind.CONVERSATION_MESSAGES: 30}, 2: {Kind.CONVERSATION_MESSAGES: None}}
    assert in_force([3, 2, 1], settings, Kind.CONVERSATION_MESSAGES) == InForce(None, 2)  # explicit keep wins
    assert in_force([4, 1], settings, Kind.CONVERSATION_MESSAGES) == InForce(30, 1)
    assert in_force([4, 1], settings, Kind.CLOSED_REPORTS) == InForce(None, None)


def test_someone_in_several_schools_keeps_the_longest_of_their_periods() -> None:
    assert bands({1: 30, 2: 90, 3: None}) == [
        Band(30, frozenset({1}), frozenset({2, 3})),
        Band(90, frozenset({2}), frozenset({3})),
    ]
    assert bands({1: None}) == []


def test_a_closed_report_goes_only_once_its_period_and_its_legal_hold_have_passed() -> None:
    closed = NOW - timedelta(days=40)
    assert report_removable("reviewed", closed, 30, 30, NOW)
    assert not report_removable("reviewed", closed, 30, 60, NOW)  # under legal hold
    assert not report_removable("dismissed", closed, 50, 30, NOW)  # period not over
    assert not report_removable("open", None, 1, 1, NOW)
    assert not report_removable("escalated", closed, 1, 1, NOW)  # not closed
    assert not report_removable("reviewed", closed, None, 1, NOW)  # kept
