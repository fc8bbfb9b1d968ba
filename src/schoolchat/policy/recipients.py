"""§6.3 of the reference: which conversation a selection of recipients leads to, as one pure function.

The same answer drives the "recipient options" endpoint (offer group/individual or not, and the unique count)
and the send itself (the errors), so what the composer offers and what the server accepts cannot drift apart.

| Scenario                                            | Group/individual offered | Outcome                         |
|-----------------------------------------------------|--------------------------|---------------------------------|
| 1 individual participant                            | no                       | one conversation (the 1:1)      |
| 2 or more individual participants                   | yes                      | group or individual             |
| course or project with ≤300 participants            | yes                      | group or individual             |
| course or project with >300 participants            | no                       | course conversation only        |
| course or project with >300 plus other recipients   | no                       | error: more than 300 recipients |
| combined unique participants over 300               | yes                      | error after the sending attempt |

The mode a client asks for (absent, ``group``, ``individual``) is judged against the row, never obeyed past it:
where the table offers the choice, a send without one is refused (``mode_required``); a course or project over 300
refuses ``individual`` with the table's own sentence (``texts.course_conversation_only()``) — "group" there is the
course conversation, the row's one outcome; the two error rows refuse whatever the mode. One person is the 1:1
whatever the mode: a group of two and an individual message to one person are that same conversation, so no mode
can reach anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from schoolchat.policy import texts
from schoolchat.policy.decision import Denied
from schoolchat.policy.texts import MAX_RECIPIENTS


class Mode(StrEnum):
    GROUP = "group"
    INDIVIDUAL = "individual"


class Scenario(StrEnum):
    SINGLE_PERSON = "single_person"
    SEVERAL_PEOPLE = "several_people"
    SMALL_SPACE = "course_or_project"
    LARGE_SPACE = "large_course_or_project"
    LARGE_SPACE_PLUS_OTHERS = "large_course_or_project_plus_others"
    OVER_LIMIT = "combined_over_limit"


@dataclass(frozen=True, slots=True)
class SpaceSelection:
    """A course or project picked as a recipient, with everyone who takes part in it."""

    id: int
    kind: str
    name: str
    participant_ids: frozenset[int]

    def is_large_for(self, sender_id: int) -> bool:
        """Over 300 participants besides the sender: individual messages are not possible."""
        return len(self.participant_ids - {sender_id}) > MAX_RECIPIENTS


@dataclass(frozen=True, slots=True)
class RecipientOptions:
    scenario: Scenario
    choice_offered: bool  # whether the composer offers "Group conversation" / "Individual messages"
    unique_count: int  # distinct people who would receive, the sender excluded
    error: Denied | None = None  # shown as soon as the selection is made
    error_on_send: Denied | None = None  # shown only once the sender tries to send


@dataclass(frozen=True, slots=True)
class Plan:
    """What a send creates: a 1:1, the space's own conversation, a new group, or individual 1:1s."""

    kind: str  # "direct" | "space" | "group" | "individual"
    user_ids: tuple[int, ...]
    space: SpaceSelection | None = None


def _too_many(unique_count: int) -> Denied:
    return Denied(
        "too_many_recipients",
        texts.too_many_recipients(),
        422,
        {"limit": MAX_RECIPIENTS, "unique_count": unique_count},
    )


def _unique(sender_id: int, people: frozenset[int], spaces: Sequence[SpaceSelection]) -> frozenset[int]:
    everyone = set(people)
    for space in spaces:
        everyone |= space.participant_ids
    everyone.discard(sender_id)
    return frozenset(everyone)


def recipient_options(
    sender_id: int, people: frozenset[int], spaces: Sequence[SpaceSelection]
) -> RecipientOptions:
    people = people - {sender_id}
    unique = len(_unique(sender_id, people, spaces))
    selected = len(people) + len(spaces)
    if selected == 0:
        return RecipientOptions(
            Scenario.SINGLE_PERSON, False, 0, Denied("no_recipients", texts.no_recipients(), 422)
        )
    if any(space.is_large_for(sender_id) for space in spaces):
        if selected == 1:
            return RecipientOptions(Scenario.LARGE_SPACE, False, unique)
        return RecipientOptions(Scenario.LARGE_SPACE_PLUS_OTHERS, False, unique, error=_too_many(unique))
    if unique > MAX_RECIPIENTS:
        return RecipientOptions(Scenario.OVER_LIMIT, True, unique, error_on_send=_too_many(unique))
    if spaces:
        return RecipientOptions(Scenario.SMALL_SPACE, True, unique)
    if len(people) == 1:
        return RecipientOptions(Scenario.SINGLE_PERSON, False, unique)
    return RecipientOptions(Scenario.SEVERAL_PEOPLE, True, unique)


def plan_send(
    sender_id: int, people: frozenset[int], spaces: Sequence[SpaceSelection], mode: Mode | None
) -> Plan | Denied:
    """Decide what a send to this selection creates; the errors of the table come back as ``Denied``."""
    options = recipient_options(sender_id, people, spaces)
    denied = options.error or options.error_on_send
    if denied is not None:
        return denied
    people = people - {sender_id}
    if options.scenario is Scenario.LARGE_SPACE:
        if mode is Mode.INDIVIDUAL:
            return Denied(
                "course_conversation_only",
                texts.course_conversation_only(),
                422,
                {"modes": [Mode.GROUP], "limit": MAX_RECIPIENTS},
            )
        return Plan("space", (), spaces[0])
    if options.scenario is Scenario.SINGLE_PERSON:
        return Plan("direct", tuple(people))
    if mode is None:
        return Denied("mode_required", texts.choose_mode(), 422, {"modes": [Mode.GROUP, Mode.INDIVIDUAL]})
    recipients = tuple(sorted(_unique(sender_id, people, spaces)))
    if mode is Mode.INDIVIDUAL:
        if not recipients:
            return Denied("no_recipients", texts.no_recipients(), 422)
        return Plan("individual", recipients)
    if len(spaces) == 1 and not people:
        return Plan("space", (), spaces[0])
    return Plan("group", recipients)
