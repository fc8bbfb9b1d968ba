"""Reads of single sign-on: providers, the person a login links to, and whether a person may use a password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.administration.roster.models import roster_ids
from schoolchat.people.models import org_roles, orgs, users
from schoolchat.people.queries import org_chain, user_org_chains
from schoolchat.policy.decision import Decision
from schoolchat.sso.models import identity_providers, sso_sessions
from schoolchat.sso.oidc import ProviderConfig
from schoolchat.sso.policy import LinkBy, may_use_password


@dataclass(frozen=True, slots=True)
class IdentityProvider:
    org_id: int
    org_name: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    link_by: LinkBy
    link_claim: str
    extra_scopes: str
    password_login: bool

    @property
    def wanted_claims(self) -> tuple[str, ...]:
        """The claims a login is linked by."""
        return (self.link_claim, "email_verified") if self.link_by == "email" else (self.link_claim,)

    @property
    def config(self) -> ProviderConfig:
        return ProviderConfig(
            self.org_id, self.name, self.issuer, self.client_id, self.client_secret, self.extra_scopes
        )


@dataclass(frozen=True, slots=True)
class LinkedPerson:
    id: int
    is_active: bool


def _providers() -> Select[Any]:
    return select(
        identity_providers.c.org_id,
        orgs.c.name.label("org_name"),
        identity_providers.c.name,
        identity_providers.c.issuer,
        identity_providers.c.client_id,
        identity_providers.c.client_secret,
        identity_providers.c.link_by,
        identity_providers.c.link_claim,
        identity_providers.c.extra_scopes,
        identity_providers.c.password_login,
    ).join(orgs, orgs.c.id == identity_providers.c.org_id)


async def provider_of(conn: AsyncConnection, org_id: int) -> IdentityProvider | None:
    """The provider configured on this org itself."""
    row = (await conn.execute(_providers().where(identity_providers.c.org_id == org_id))).first()
    return IdentityProvider(*row) if row else None


async def provider_for(conn: AsyncConnection, org_id: int) -> IdentityProvider | None:
    """The provider that signs in the people of an org: its own, or the nearest one above it (a district's)."""
    for candidate in await org_chain(conn, org_id):
        if (found := await provider_of(conn, candidate)) is not None:
            return found
    return None


async def all_providers(conn: AsyncConnection) -> list[IdentityProvider]:
    """For the login page's school picker."""
    return [
        IdentityProvider(*row) for row in await conn.execute(_providers().order_by(orgs.c.name, orgs.c.id))
    ]


async def _candidates(conn: AsyncConnection, link_by: LinkBy, value: str) -> list[int]:
    if link_by == "sourced_id":
        query = select(roster_ids.c.local_id).where(
            roster_ids.c.kind == "user", roster_ids.c.sourced_id == value, roster_ids.c.local_id.is_not(None)
        )
    elif link_by == "username":
        query = select(users.c.id).where(users.c.username == value)
    else:
        query = select(users.c.id).where(users.c.email == value)
    return list((await conn.execute(query)).scalars())


async def linked_person(conn: AsyncConnection, provider: IdentityProvider, value: str) -> LinkedPerson | None:
    """The one person the linking value names among those who hold a role in the provider's org or below it:
    a school's provider never signs in someone of another school. None when nobody, or more than one, matches."""
    found = []
    for user_id in await _candidates(conn, provider.link_by, value):
        if any(provider.org_id in chain for chain in await user_org_chains(conn, user_id)):
            found.append(user_id)
    if len(found) != 1:
        return None
    active = (await conn.execute(select(users.c.is_active).where(users.c.id == found[0]))).scalar_one()
    return LinkedPerson(found[0], bool(active))


async def password_login(conn: AsyncConnection, user_id: int) -> Decision:
    """May this person log in with a password? Not when a provider above them switched it off (sso/policy.py)."""
    chains = await user_org_chains(conn, user_id)
    in_chains = sorted({org_id for chain in chains for org_id in chain})
    password_off = dict(
        (
            await conn.execute(
                select(identity_providers.c.org_id, identity_providers.c.name).where(
                    identity_providers.c.org_id.in_(in_chains), identity_providers.c.password_login.is_(False)
                )
            )
        ).all()
    )
    roles = dict(
        (
            await conn.execute(
                select(org_roles.c.org_id, org_roles.c.role).where(org_roles.c.user_id == user_id)
            )
        ).all()
    )
    return may_use_password(roles, chains, password_off)


async def session_provider(conn: AsyncConnection, token_id: int) -> IdentityProvider | None:
    """The provider that signed in this session, if one did."""
    org_id = (
        await conn.execute(select(sso_sessions.c.org_id).where(sso_sessions.c.token_id == token_id))
    ).scalar()
    return await provider_of(conn, org_id) if org_id is not None else None
