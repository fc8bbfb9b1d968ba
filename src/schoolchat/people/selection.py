"""Turning the ids a sender picked in "Add recipients" into facts for §6.3, refusing what they may not address."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.kinds import ConversationKind
from schoolchat.people import reach
from schoolchat.people.queries import space_roles_of, space_selection, visible_people
from schoolchat.policy.decision import Denied
from schoolchat.policy.messaging import space_messaging_disabled
from schoolchat.policy.recipients import RecipientOptions, SpaceSelection, recipient_options


async def require_rules_allow(conn: AsyncConnection, sender_id: int, people: Iterable[int]) -> None:
    """403 with the rule's explanation when the communication rules stop the sender starting with someone."""
    for person_id, decision in sorted((await reach.decide_many(conn, sender_id, people)).items()):
        if isinstance(decision, Denied):
            raise ApiError(
                decision.status, decision.code, decision.message, {**decision.details, "user_id": person_id}
            )


@dataclass(frozen=True)
class Recipients:
    """What the sender picked: people, courses and projects, by id."""

    people: Sequence[int] = ()
    courses: Sequence[int] = ()
    projects: Sequence[int] = ()


async def resolve(
    conn: AsyncConnection,
    sender_id: int,
    people: Sequence[int],
    courses: Sequence[int],
    projects: Sequence[int],
) -> tuple[frozenset[int], list[SpaceSelection]]:
    """People must be ones the sender may address; courses and projects ones the sender takes part in.

    Anything else is reported as not found, so a selection never reveals who or what exists.
    """
    wanted = set(people) - {sender_id}
    missing_people = sorted(wanted - await visible_people(conn, sender_id, wanted))
    if not missing_people:
        await require_rules_allow(conn, sender_id, wanted)
    mine = await space_roles_of(conn, sender_id)
    selections: list[SpaceSelection] = []
    missing_spaces: list[int] = []
    for kind, ids in ((ConversationKind.COURSE, courses), (ConversationKind.PROJECT, projects)):
        for space_id in dict.fromkeys(ids):
            found = await space_selection(conn, space_id) if space_id in mine else None
            if found is None or found.kind != kind:
                missing_spaces.append(space_id)
                continue
            if space_id in await reach.spaces_with_messaging_off(conn, [space_id]):
                raise space_messaging_disabled(kind).error()
            selections.append(found)
    if missing_people or missing_spaces:
        raise ApiError(
            404,
            "recipient_not_found",
            text("people.recipients_not_found"),
            {"user_ids": missing_people, "space_ids": missing_spaces},
        )
    return frozenset(wanted), selections


async def options_for(conn: AsyncConnection, sender_id: int, recipients: Recipients) -> RecipientOptions:
    """§6.3's answer for what the sender has picked so far."""
    people, spaces = await resolve(
        conn, sender_id, recipients.people, recipients.courses, recipients.projects
    )
    return recipient_options(sender_id, people, spaces)
