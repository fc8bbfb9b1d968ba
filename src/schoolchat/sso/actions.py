"""Writes of single sign-on: an org's provider set or removed by its admins, and a verified login turned into a
schoolchat session — or refused, with the refusal in the audit log. A login never creates a person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert

from schoolchat import audit
from schoolchat.auth.actions import IssuedToken, insert_token
from schoolchat.auth.actor import Actor
from schoolchat.db.upsert import upsert
from schoolchat.errors import ApiError
from schoolchat.people.queries import require_administered
from schoolchat.services import Services
from schoolchat.sso import queries, texts
from schoolchat.sso.models import DEFAULT_LINK_CLAIMS, identity_providers, sso_sessions
from schoolchat.sso.oidc import DiscoveryFailed, ProviderConfig, RelyingParty
from schoolchat.sso.policy import link_value
from schoolchat.sso.queries import IdentityProvider

# What an admin's change records; never the secret itself.
_AUDITED = ("name", "issuer", "client_id", "link_by", "link_claim", "extra_scopes", "password_login")


@dataclass(frozen=True, slots=True)
class Refused:
    """A login the provider vouched for that schoolchat refuses; the page shows ``title``, ``message``, ``hint``."""

    title: str
    message: str
    hint: str


async def set_provider(
    services: Services, relying_party: RelyingParty, actor: Actor, org_id: int, fields: Mapping[str, Any]
) -> None:
    """Configure (or change) an org's provider. Its discovery document is read first, so a wrong issuer is refused
    before anything is written. A change that leaves out the client secret keeps the stored one."""
    async with services.db.read() as conn:
        await require_administered(conn, actor.roles, org_id)
        current = await queries.provider_of(conn, org_id)
    values = dict(fields)
    if values.get("client_secret") is None:
        if current is None:
            raise ApiError(422, "client_secret_required", texts.secret_required(), {"field": "client_secret"})
        values["client_secret"] = current.client_secret
    values["link_claim"] = values.get("link_claim") or DEFAULT_LINK_CLAIMS[values["link_by"]]
    try:
        await relying_party.metadata(
            ProviderConfig(
                org_id,
                values["name"],
                values["issuer"],
                values["client_id"],
                values["client_secret"],
                values["extra_scopes"],
            )
        )
    except DiscoveryFailed as exc:
        raise ApiError(422, "discovery_failed", str(exc), {"field": "issuer"}) from exc
    async with services.db.write() as tx:
        await require_administered(tx.conn, actor.roles, org_id)
        await upsert(
            tx.conn,
            identity_providers,
            [{"org_id": org_id, **values}],
            key=["org_id"],
            update=[column for column in values],
        )
        details = {key: values[key] for key in _AUDITED}
        details["client_secret_changed"] = current is None or current.client_secret != values["client_secret"]
        await audit.record(
            tx, actor, "identity_provider.set", "org", org_id, org_ids=[org_id], details=details
        )


async def remove_provider(services: Services, actor: Actor, org_id: int) -> None:
    """Stop signing in through the org's provider (its people can use passwords again)."""
    async with services.db.write() as tx:
        await require_administered(tx.conn, actor.roles, org_id)
        if (
            await tx.conn.execute(delete(identity_providers).where(identity_providers.c.org_id == org_id))
        ).rowcount == 0:
            raise ApiError(404, "not_found", texts.no_provider(), {"object": "identity provider"})
        await audit.record(tx, actor, "identity_provider.removed", "org", org_id, org_ids=[org_id])


def _login_details(
    provider: IdentityProvider, claims: Mapping[str, Any], value: str | None
) -> dict[str, Any]:
    return {
        "issuer": provider.issuer,
        "sub": claims.get("sub"),
        "link_by": provider.link_by,
        "link_claim": provider.link_claim,
        "value": value,
    }


async def sign_in(
    services: Services, provider: IdentityProvider, claims: Mapping[str, Any]
) -> IssuedToken | Refused:
    """The session cookie credential for the person the verified claims link to, made exactly as a password login
    makes it; or a refusal (nobody or a deactivated person), written to the audit log of the provider's org."""
    value = link_value(claims, provider.link_by, provider.link_claim)
    async with services.db.write() as tx:
        person = await queries.linked_person(tx.conn, provider, value) if value else None
        if person is None:
            await audit.record(
                tx,
                None,
                "sso.unknown_subject",
                "org",
                provider.org_id,
                org_ids=[provider.org_id],
                details=_login_details(provider, claims, value),
            )
            return Refused(texts.no_access_title(), texts.no_access(), texts.no_access_hint())
        if not person.is_active:
            await audit.record(
                tx,
                None,
                "sso.deactivated",
                "user",
                person.id,
                org_ids=[provider.org_id],
                details=_login_details(provider, claims, value),
            )
            return Refused(texts.deactivated_title(), texts.deactivated(), "")
        issued = await insert_token(
            tx,
            services.settings.secret_key,
            person.id,
            kind="session",
            lifetime=timedelta(days=services.settings.session_days),
        )
        await tx.conn.execute(insert(sso_sessions).values(token_id=issued.token_id, org_id=provider.org_id))
        return issued


async def record_rejected(services: Services, provider: IdentityProvider, reason: str) -> None:
    """A provider's answer that failed a check (a forged, replayed or misdirected token) goes in the audit log."""
    async with services.db.write() as tx:
        await audit.record(
            tx,
            None,
            "sso.token_rejected",
            "org",
            provider.org_id,
            org_ids=[provider.org_id],
            details={"issuer": provider.issuer, "reason": reason},
        )
