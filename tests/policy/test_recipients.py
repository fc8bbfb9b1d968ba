"""§6.3 Large course restrictions, row by row, as the pure function decides them."""

from __future__ import annotations

import pytest

from schoolchat.policy.decision import Denied
from schoolchat.policy.recipients import Mode, Plan, Scenario, SpaceSelection, plan_send, recipient_options

SENDER = 1


def course(space_id: int, size: int, *, start: int = 1000, include_sender: bool = False) -> SpaceSelection:
    members = set(range(start, start + size))
    if include_sender:
        members.add(SENDER)
    return SpaceSelection(space_id, "course", f"Course {space_id}", frozenset(members))


def test_one_individual_participant_offers_no_choice() -> None:
    options = recipient_options(SENDER, frozenset({2}), [])
    assert options.scenario is Scenario.SINGLE_PERSON
    assert options.choice_offered is False
    assert options.error is None and options.error_on_send is None


def test_one_individual_participant_is_treated_as_one_conversation() -> None:
    assert plan_send(SENDER, frozenset({2}), [], None) == Plan("direct", (2,))


def test_two_or_more_individual_participants_offer_group_or_individual() -> None:
    options = recipient_options(SENDER, frozenset({2, 3}), [])
    assert options.scenario is Scenario.SEVERAL_PEOPLE
    assert options.choice_offered is True
    assert options.unique_count == 2


def test_several_people_must_choose_before_sending() -> None:
    denied = plan_send(SENDER, frozenset({2, 3}), [], None)
    assert isinstance(denied, Denied) and denied.code == "mode_required"


def test_several_people_as_group_make_one_group_conversation() -> None:
    assert plan_send(SENDER, frozenset({2, 3}), [], Mode.GROUP) == Plan("group", (2, 3))


def test_several_people_as_individual_messages_make_one_conversation_each() -> None:
    assert plan_send(SENDER, frozenset({2, 3}), [], Mode.INDIVIDUAL) == Plan("individual", (2, 3))


def test_course_with_300_participants_offers_group_or_individual() -> None:
    options = recipient_options(SENDER, frozenset(), [course(7, 300)])
    assert options.scenario is Scenario.SMALL_SPACE
    assert options.choice_offered is True
    assert options.unique_count == 300


def test_course_alone_as_group_uses_the_course_conversation() -> None:
    small = course(7, 20)
    assert plan_send(SENDER, frozenset(), [small], Mode.GROUP) == Plan("space", (), small)


def test_course_as_individual_messages_reaches_each_participant() -> None:
    small = course(7, 3, include_sender=True)
    assert plan_send(SENDER, frozenset(), [small], Mode.INDIVIDUAL) == Plan("individual", (1000, 1001, 1002))


def test_course_over_300_participants_allows_course_conversation_only() -> None:
    large = course(7, 301)
    options = recipient_options(SENDER, frozenset(), [large])
    assert options.scenario is Scenario.LARGE_SPACE
    assert options.choice_offered is False
    assert options.error is None
    assert plan_send(SENDER, frozenset(), [large], None) == Plan("space", (), large)


def test_course_over_300_participants_refuses_individual_mode_with_the_tables_words() -> None:
    denied = plan_send(SENDER, frozenset(), [course(7, 301)], Mode.INDIVIDUAL)
    assert isinstance(denied, Denied)
    assert denied.code == "course_conversation_only"
    assert denied.message == (
        "This course or project has more than 300 participants, so individual messages are "
        "not possible. Use the course conversation instead."
    )


def test_course_over_300_plus_additional_people_is_an_error_at_once() -> None:
    options = recipient_options(SENDER, frozenset({2}), [course(7, 301)])
    assert options.scenario is Scenario.LARGE_SPACE_PLUS_OTHERS
    assert options.choice_offered is False
    assert options.error is not None
    assert options.error.message == "You cannot send to more than 300 recipients."


def test_course_over_300_plus_another_course_is_an_error_at_once() -> None:
    options = recipient_options(SENDER, frozenset(), [course(7, 301), course(8, 2, start=5000)])
    assert options.error is not None and options.error.code == "too_many_recipients"


def test_combined_unique_participants_over_300_offer_the_choice() -> None:
    options = recipient_options(SENDER, frozenset(), [course(7, 200), course(8, 200, start=5000)])
    assert options.scenario is Scenario.OVER_LIMIT
    assert options.choice_offered is True
    assert options.error is None
    assert options.unique_count == 400


def test_combined_unique_participants_over_300_fail_after_the_sending_attempt() -> None:
    spaces = [course(7, 200), course(8, 200, start=5000)]
    for mode in (Mode.GROUP, Mode.INDIVIDUAL):
        denied = plan_send(SENDER, frozenset(), spaces, mode)
        assert isinstance(denied, Denied)
        assert denied.message == "You cannot send to more than 300 recipients."


def test_people_in_two_courses_are_counted_once() -> None:
    options = recipient_options(SENDER, frozenset({1000}), [course(7, 200), course(8, 200, start=1000)])
    assert options.unique_count == 200
    assert options.scenario is Scenario.SMALL_SPACE


def test_the_sender_is_not_counted_as_a_recipient() -> None:
    options = recipient_options(SENDER, frozenset({SENDER}), [course(7, 300, include_sender=True)])
    assert options.unique_count == 300
    assert options.scenario is Scenario.SMALL_SPACE


def test_a_teacher_of_300_students_may_still_choose_individual_messages() -> None:
    options = recipient_options(SENDER, frozenset(), [course(7, 300, include_sender=True)])
    assert options.choice_offered is True


def test_selecting_nobody_is_refused() -> None:
    options = recipient_options(SENDER, frozenset({SENDER}), [])
    assert options.error is not None and options.error.code == "no_recipients"


# ---- every row of the table, with every mode a client may send ------------------------------------------------

LARGE, SMALL = course(7, 301), course(8, 20, start=3000)
TWO_HUNDREDS = [course(9, 200, start=5000), course(10, 200, start=6000)]
ROWS: dict[str, tuple[frozenset[int], list[SpaceSelection]]] = {
    "one_person": (frozenset({2}), []),
    "several_people": (frozenset({2, 3}), []),
    "course_up_to_300": (frozenset(), [SMALL]),
    "course_over_300": (frozenset(), [LARGE]),
    "course_over_300_plus_others": (frozenset({2}), [LARGE]),
    "combined_over_300": (frozenset(), TWO_HUNDREDS),
}
# What each (row, mode) leads to: a plan, or the code of the refusal.
EXPECTED: dict[tuple[str, Mode | None], Plan | str] = {
    ("one_person", None): Plan("direct", (2,)),
    ("one_person", Mode.GROUP): Plan("direct", (2,)),
    ("one_person", Mode.INDIVIDUAL): Plan("direct", (2,)),
    ("several_people", None): "mode_required",
    ("several_people", Mode.GROUP): Plan("group", (2, 3)),
    ("several_people", Mode.INDIVIDUAL): Plan("individual", (2, 3)),
    ("course_up_to_300", None): "mode_required",
    ("course_up_to_300", Mode.GROUP): Plan("space", (), SMALL),
    ("course_up_to_300", Mode.INDIVIDUAL): Plan("individual", tuple(sorted(SMALL.participant_ids))),
    ("course_over_300", None): Plan("space", (), LARGE),
    ("course_over_300", Mode.GROUP): Plan("space", (), LARGE),
    ("course_over_300", Mode.INDIVIDUAL): "course_conversation_only",
    ("course_over_300_plus_others", None): "too_many_recipients",
    ("course_over_300_plus_others", Mode.GROUP): "too_many_recipients",
    ("course_over_300_plus_others", Mode.INDIVIDUAL): "too_many_recipients",
    ("combined_over_300", None): "too_many_recipients",
    ("combined_over_300", Mode.GROUP): "too_many_recipients",
    ("combined_over_300", Mode.INDIVIDUAL): "too_many_recipients",
}


@pytest.mark.parametrize(
    ("row", "mode"), list(EXPECTED), ids=[f"{row}-{mode or 'no_mode'}" for row, mode in EXPECTED]
)
def test_every_row_of_the_table_decides_whatever_mode_the_client_asks_for(
    row: str, mode: Mode | None
) -> None:
    people, spaces = ROWS[row]
    decided = plan_send(SENDER, people, spaces, mode)
    expected = EXPECTED[(row, mode)]
    if isinstance(expected, Plan):
        assert decided == expected
    else:
        assert isinstance(decided, Denied) and decided.code == expected


def test_a_mode_is_only_required_where_the_table_offers_the_choice() -> None:
    for row, (people, spaces) in ROWS.items():
        options = recipient_options(SENDER, people, spaces)
        denied = plan_send(SENDER, people, spaces, None)
        required = isinstance(denied, Denied) and denied.code == "mode_required"
        assert required == (options.choice_offered and options.error_on_send is None), row
