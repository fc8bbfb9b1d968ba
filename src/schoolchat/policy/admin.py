"""Who administers what: an admin of an org administers it and every org below it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from schoolchat.policy.decision import ALLOWED, Decision, Denied


def administers(actor_roles: Mapping[int, str], org_chain: Sequence[int]) -> bool:
    """``org_chain`` is an org followed by its ancestors."""
    return any(actor_roles.get(org_id) == "admin" for org_id in org_chain)


def may_administer(actor_roles: Mapping[int, str], org_chain: Sequence[int], what: str = "organisation") -> Decision:
    """Objects outside the admin's orgs are reported as not found, like any object the caller cannot see."""
    if org_chain and administers(actor_roles, org_chain):
        return ALLOWED
    return Denied("not_found", f"The {what} was not found.", 404, {"object": what})


def may_administer_user(actor_roles: Mapping[int, str], user_org_chains: Sequence[Sequence[int]]) -> Decision:
    """An admin manages a person (profile, password, switches, roles) only when they administer every org the
    person holds a role in: a school's admin must never take over someone who also answers to another school."""
    if user_org_chains and all(administers(actor_roles, chain) for chain in user_org_chains):
        return ALLOWED
    return Denied("not_found", "The person was not found.", 404, {"object": "user"})


def may_enrol(actor_roles: Mapping[int, str], user_org_chains: Sequence[Sequence[int]]) -> Decision:
    """Enrolling in a course or project changes nothing about the person: a role in one administered org is enough."""
    if any(administers(actor_roles, chain) for chain in user_org_chains):
        return ALLOWED
    return Denied("not_found", "The person was not found.", 404, {"object": "user"})
