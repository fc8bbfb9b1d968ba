"""Pure decisions of single sign-on: which claim value links a login to a person, and who may still use a password."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from schoolchat.policy.decision import ALLOWED, Decision, Denied
from schoolchat.sso import texts

# What a provider's linking claim holds (the column's check constraint admits no other).
LinkBy = Literal["sourced_id", "username", "email"]


def link_value(claims: Mapping[str, Any], link_by: LinkBy, link_claim: str) -> str | None:
    """The value of the linking claim, or None when it is absent; an email counts only when the provider says it
    verified it (``email_verified`` is true), so nobody signs in as a person by typing their address somewhere."""
    value = claims.get(link_claim)
    if not isinstance(value, str) or not value.strip():
        return None
    if link_by == "email":
        return value.strip().lower() if claims.get("email_verified") is True else None
    return value.strip()


def may_use_password(
    roles: Mapping[int, str], org_chains: Sequence[Sequence[int]], password_off: Mapping[int, str]
) -> Decision:
    """``password_off``: org id -> provider name, for the orgs whose provider switched password login off.

    Refused when an org the person belongs to, or one above it, switched password login off — except for an
    administrator of that org or of one above it: the people who configure the provider keep their password, so a
    broken provider configuration can always be repaired (the ``create-admin`` account is such an administrator)."""
    for chain in org_chains:
        switched_off = [org_id for org_id in chain if org_id in password_off]
        if not switched_off:
            continue
        nearest = switched_off[0]
        if not any(roles.get(org_id) == "admin" for org_id in chain[chain.index(nearest) :]):
            return Denied(
                "password_login_disabled",
                texts.password_login_off(password_off[nearest]),
                403,
                {"org_id": nearest},
            )
    return ALLOWED
