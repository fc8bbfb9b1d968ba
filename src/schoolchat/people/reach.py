"""Who can reach whom: disabled messaging (§6.4) at person, school and district level, and the communication
rules (§7.1) in force between two people. The decisions are pure (``policy/``); this module gathers the facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.db.expressions import among
from schoolchat.db.prepared import Prepared
from schoolchat.people.models import (
    ROLE_RANK,
    communication_rules,
    org_roles,
    orgs,
    space_members,
    spaces,
    users,
)
from schoolchat.policy import texts
from schoolchat.policy.communication import RecipientFacts, Rules, Scope, SenderSchool, may_start_conversation
from schoolchat.policy.decision import ALLOWED, Decision, Denied
from schoolchat.policy.messaging import may_use_messaging


@dataclass(frozen=True)
class OrgTree:
    parent: dict[int, int | None]
    name: dict[int, str]
    disabled: frozenset[int]

    def chain(self, org_id: int) -> list[int]:
        """The org and its ancestors, nearest first."""
        chain: list[int] = []
        current: int | None = org_id
        while current is not None and current not in chain and current in self.parent:
            chain.append(current)
            current = self.parent[current]
        return chain

    def is_disabled(self, org_id: int) -> bool:
        return any(org in self.disabled for org in self.chain(org_id))

    @classmethod
    def of(cls, rows: Iterable[Any]) -> OrgTree:
        """The tree of ``rows`` of orgs (``id``, ``parent_id``, ``name``, ``messaging_disabled``): all of them, or
        a person's (``ORGS_OF_PERSON``)."""
        rows = list(rows)
        return cls(
            {r.id: r.parent_id for r in rows},
            {r.id: r.name for r in rows},
            frozenset(r.id for r in rows if r.messaging_disabled),
        )


_ORG_COLUMNS = (orgs.c.id, orgs.c.parent_id, orgs.c.name, orgs.c.messaging_disabled)  # what OrgTree.of reads


async def org_tree(conn: AsyncConnection) -> OrgTree:
    return OrgTree.of((await conn.execute(select(*_ORG_COLUMNS))).all())


def _orgs_of_person() -> Select[Any]:
    held = (
        select(*_ORG_COLUMNS, orgs.c.default_language)
        .join(org_roles, org_roles.c.org_id == orgs.c.id)
        .where(org_roles.c.user_id == bindparam("user_id"))
        .cte("held", recursive=True)
    )
    above = select(*_ORG_COLUMNS, orgs.c.default_language).join(held, orgs.c.id == held.c.parent_id)
    held = held.union(above)  # UNION, not UNION ALL: a loop in the hierarchy ends once its orgs repeat
    return select(held)


# The orgs a person holds a role in and every org above them: what their disabled messaging (OrgTree) and their
# school's language (languages.nearest_default_language) are decided from, in one statement.
ORGS_OF_PERSON = Prepared(_orgs_of_person())


# A row when messaging is off for any org (for callers that run it together with other statements).
ANY_ORG_DISABLED = Prepared(select(orgs.c.id).where(orgs.c.messaging_disabled.is_(True)).limit(1))


async def any_org_disabled(conn: AsyncConnection) -> bool:
    """Whether messaging is off for any org at all: almost never, and then nobody needs the org tree."""
    return await ANY_ORG_DISABLED.first(conn) is not None


async def disabled_among(
    conn: AsyncConnection, user_ids: Iterable[int], tree: OrgTree | None = None
) -> set[int]:
    """Those whose messaging is off: switched off for them, or for an org they have a role in (or above it)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return set()
    disabled = set(
        (
            await conn.execute(
                select(users.c.id).where(users.c.id.in_(wanted), users.c.messaging_disabled.is_(True))
            )
        ).scalars()
    )
    if tree is None and not await any_org_disabled(conn):
        return disabled
    tree = tree or await org_tree(conn)
    if tree.disabled:
        rows = await conn.execute(
            select(org_roles.c.user_id, org_roles.c.org_id).where(org_roles.c.user_id.in_(wanted))
        )
        disabled |= {user_id for user_id, org_id in rows if tree.is_disabled(org_id)}
    return disabled


async def is_disabled(conn: AsyncConnection, user_id: int) -> bool:
    return bool(await disabled_among(conn, [user_id]))


async def _rules_by_org(conn: AsyncConnection) -> dict[int, dict[tuple[str, str], Scope]]:
    rules: dict[int, dict[tuple[str, str], Scope]] = {}
    for org_id, sender_role, recipient_role, scope in await conn.execute(select(communication_rules)):
        rules.setdefault(org_id, {})[(sender_role, recipient_role)] = Scope(scope)
    return rules


def rules_in_force(
    tree: OrgTree, rules_by_org: dict[int, dict[tuple[str, str], Scope]], org_id: int
) -> Rules:
    """An org's own rules, or its nearest ancestor's; none means the defaults."""
    for org in tree.chain(org_id):
        if org in rules_by_org:
            return rules_by_org[org]
    return {}


async def rules_of(conn: AsyncConnection, org_id: int) -> tuple[bool, Rules]:
    """Whether the org has rules of its own, and the rules in force there (its own or inherited)."""
    rules_by_org = await _rules_by_org(conn)
    return org_id in rules_by_org, rules_in_force(await org_tree(conn), rules_by_org, org_id)


async def decide_many(
    conn: AsyncConnection, sender_id: int, recipient_ids: Iterable[int]
) -> dict[int, Decision]:
    """For each recipient: may the sender start a conversation with them under the rules in force?"""
    wanted = sorted(set(recipient_ids) - {sender_id})
    if not wanted:
        return {}
    tree = await org_tree(conn)
    rules_by_org = await _rules_by_org(conn)
    sender_roles = (
        await conn.execute(
            select(org_roles.c.org_id, org_roles.c.role).where(org_roles.c.user_id == sender_id)
        )
    ).all()
    schools = [
        SenderSchool(org_id, tree.name.get(org_id, ""), role, rules_in_force(tree, rules_by_org, org_id))
        for org_id, role in sender_roles
    ]
    recipient_roles: dict[int, list[tuple[int, str]]] = {}
    for user_id, org_id, role in await conn.execute(
        select(org_roles.c.user_id, org_roles.c.org_id, org_roles.c.role).where(
            org_roles.c.user_id.in_(wanted)
        )
    ):
        recipient_roles.setdefault(user_id, []).append((org_id, role))
    mine = select(space_members.c.space_id).where(space_members.c.user_id == sender_id)
    sharing = set(
        (
            await conn.execute(
                select(space_members.c.user_id).where(
                    space_members.c.user_id.in_(wanted), space_members.c.space_id.in_(mine)
                )
            )
        ).scalars()
    )
    sender_orgs = {school.org_id for school in schools}
    decisions: dict[int, Decision] = {}
    for user_id in wanted:
        held = recipient_roles.get(user_id, [])
        role = max((r for _, r in held), key=ROLE_RANK.__getitem__, default="student")
        within = frozenset(org for org in sender_orgs if any(org in tree.chain(o) for o, _ in held))
        decisions[user_id] = may_start_conversation(schools, RecipientFacts(role, within, user_id in sharing))
    return decisions


SPACES_OFF = Prepared(
    select(spaces.c.id).where(among(spaces.c.id, "space_ids"), spaces.c.messaging_disabled.is_(True))
)


async def spaces_with_messaging_off(conn: AsyncConnection, space_ids: Iterable[int]) -> set[int]:
    """Which of these courses and projects an admin switched messaging off for (§6.4)."""
    return {space_id for (space_id,) in await SPACES_OFF.all(conn, space_ids=space_ids)}


async def explain(
    conn: AsyncConnection, sender_id: int, sender_disabled: bool, person_id: int, person_name: str
) -> Decision:
    """ "Why can't I message this person?": the first of disabled messaging (theirs or the sender's) and the
    communication rules that stops the sender starting a conversation with them."""
    if sender_disabled:
        return may_use_messaging(True)
    if await is_disabled(conn, person_id):
        return Denied(
            "recipient_messaging_disabled", texts.cannot_deliver(person_name), 403, {"user_id": person_id}
        )
    return (await decide_many(conn, sender_id, [person_id])).get(person_id, ALLOWED)
