"""Who administers what: an admin of an org administers it and every org below it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from schoolchat import error_texts
from schoolchat.policy import texts
from schoolchat.policy.decision import ALLOWED, Decision, Denied


def administers(actor_roles: Mapping[int, str], org_chain: Sequence[int]) -> bool:
    """``org_chain`` is an org followed by its ancestors."""
    return any(actor_roles.get(org_id) == "admin" for org_id in org_chain)


def may_administer(
    actor_roles: Mapping[int, str], org_chain: Sequence[int], what: str = "organisation"
) -> Decision:
    """Objects outside the admin's orgs are reported as not found, like any object the caller cannot see."""
    if org_chain and administers(actor_roles, org_chain):
        return ALLOWED
    return Denied("not_found", error_texts.not_found(what), 404, {"object": what})


def may_administer_user(actor_roles: Mapping[int, str], user_org_chains: Sequence[Sequence[int]]) -> Decision:
    """An admin manages a person (profile, password, switches, roles) only when they administer every org the
    person holds a role in: a school's admin must never take over someone who also answers to another school."""
    if user_org_chains and all(administers(actor_roles, chain) for chain in user_org_chains):
        return ALLOWED
    return Denied("not_found", error_texts.not_found("user"), 404, {"object": "user"})


def may_enrol(actor_roles: Mapping[int, str], user_org_chains: Sequence[Sequence[int]]) -> Decision:
    """Enrolling in a course or project changes nothing about the person: a role in one administered org is enough."""
    if any(administers(actor_roles, chain) for chain in user_org_chains):
        return ALLOWED
    return Denied("not_found", error_texts.not_found("user"), 404, {"object": "user"})


def may_grant(
    actor_id: int,
    actor_roles: Mapping[int, str],
    grantee_id: int,
    grantee_org_chains: Sequence[Sequence[int]],
) -> Decision:
    """Privileges (mass messaging) and roles are granted and taken away by another administrator: one who
    administers every org the grantee holds a role in (an admin of that org or of one above it), never by the
    grantee. Otherwise one admin could make himself a mass messenger, or an admin of a further school."""
    decision = may_administer_user(actor_roles, grantee_org_chains)
    if isinstance(decision, Denied) or actor_id != grantee_id:
        return decision
    return Denied("own_privileges", texts.own_privileges(), 403)


def may_use_admin_tools(actor_roles: Mapping[int, str]) -> Decision:
    """The admin lists that name no object (orgs, audit log) are for admins: anyone else is told so, not shown an
    empty list that looks like an admin of nothing."""
    if any(role == "admin" for role in actor_roles.values()):
        return ALLOWED
    return Denied("admins_only", texts.admins_only(), 403)
