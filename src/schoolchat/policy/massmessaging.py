"""Who may send a mass message (§2, §6.5), to whom, and that nobody answers one.

Mass messages go from an administrator holding the mass messaging privilege to people with the chosen roles in
the chosen orgs and everything below them. An org the sender does not administer is reported as not found, like
any object out of reach. Communication rules (§7.1) do not apply: the privilege is the permission.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from schoolchat.i18n.catalog import text
from schoolchat.policy.admin import may_administer
from schoolchat.policy.decision import ALLOWED, Decision, Denied


def sends_mass(has_privilege: bool, actor_roles: Mapping[int, str]) -> bool:
    """An administrator holding the privilege sends mass messages (to the orgs they administer)."""
    return has_privilege and "admin" in actor_roles.values()


def may_send_mass(
    has_privilege: bool, actor_roles: Mapping[int, str], org_chains: Sequence[Sequence[int]]
) -> Decision:
    """``org_chains``: for each picked org, the org followed by its ancestors (empty when it does not exist)."""
    if not sends_mass(has_privilege, actor_roles):
        return Denied("mass_messaging_not_allowed", text("policy.mass.no_privilege"), 403)
    for chain in org_chains:
        decision = may_administer(actor_roles, chain)
        if isinstance(decision, Denied):
            return decision
    return ALLOWED


def may_reply_to_mass() -> Denied:
    """Mass messages are one-way: nobody writes into their conversation, the sender included."""
    return Denied("mass_message_one_way", text("policy.mass.one_way"), 403)
