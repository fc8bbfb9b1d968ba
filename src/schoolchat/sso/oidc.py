"""The OpenID Connect relying party, on Authlib's Starlette client: authorization code flow with PKCE (S256), state
and nonce, discovery from the issuer, and the id_token checked against the provider's JWKS.

One Authlib client per provider configuration is kept for the life of the process, so the discovery document and
the JWKS are fetched once; Authlib fetches the JWKS again when a token names a key id it does not hold (the
provider rotated its keys). The state, nonce and PKCE verifier of a login in progress live in the short-lived,
signed ``/sso`` session cookie (see ``sso/session.py``) between the redirect to the provider and the callback.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import StarletteOAuth2App
from authlib.integrations.starlette_client.integration import StarletteIntegration
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse

from schoolchat.sso import texts

SCOPE = "openid profile email"
HTTP_TIMEOUT_SECONDS = 10.0
# Clock skew allowed on exp and iat.
LEEWAY_SECONDS = 60


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    org_id: int
    name: str
    issuer: str
    client_id: str
    client_secret: str
    extra_scopes: str = ""

    @property
    def scope(self) -> str:
        return " ".join(dict.fromkeys([*SCOPE.split(), *self.extra_scopes.split()]))


class DiscoveryFailed(Exception):
    """The issuer's discovery document could not be read, or it names another issuer."""


class TokenRejected(Exception):
    """The provider's answer failed a check (state, signature, iss, aud, exp, iat, nonce); ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


class RelyingParty:
    """The Authlib clients of every configured provider in this process."""

    def __init__(self) -> None:
        self._clients: dict[int, tuple[ProviderConfig, StarletteOAuth2App]] = {}

    def client(self, config: ProviderConfig) -> StarletteOAuth2App:
        held = self._clients.get(config.org_id)
        if held is not None and held[0] == config:
            return held[1]
        # A changed configuration is a new client (new discovery, new JWKS); its name keys the login state, so a
        # login begun under the old configuration cannot finish under the new one.
        digest = hashlib.sha256(
            f"{config.issuer}\x00{config.client_id}\x00{config.client_secret}\x00{config.scope}".encode()
        )
        name = f"org{config.org_id}-{digest.hexdigest()[:16]}"
        client = StarletteOAuth2App(
            StarletteIntegration(name),
            name,
            client_id=config.client_id,
            client_secret=config.client_secret,
            server_metadata_url=discovery_url(config.issuer),
            client_kwargs={
                "scope": config.scope,
                "code_challenge_method": "S256",
                "timeout": HTTP_TIMEOUT_SECONDS,
            },
        )
        self._clients[config.org_id] = (config, client)
        return client

    async def metadata(self, config: ProviderConfig) -> dict[str, Any]:
        """The provider's discovery document, which must name the configured issuer (OpenID Discovery §4.3)."""
        client = self.client(config)
        try:
            metadata = await client.load_server_metadata()
        except (httpx2.HTTPError, ValueError) as exc:
            self._clients.pop(config.org_id, None)
            raise DiscoveryFailed(texts.discovery_failed()) from exc
        if not isinstance(metadata, dict):  # Authlib hands back whatever JSON the provider sent
            self._clients.pop(config.org_id, None)
            raise DiscoveryFailed(texts.discovery_failed())
        if metadata.get("issuer") != config.issuer:
            self._clients.pop(config.org_id, None)
            raise DiscoveryFailed(texts.issuer_mismatch(str(metadata.get("issuer")), config.issuer))
        return metadata

    async def begin(self, config: ProviderConfig, request: Request, redirect_uri: str) -> RedirectResponse:
        """Redirect to the provider's authorization endpoint; state, nonce and the PKCE verifier go in the session."""
        await self.metadata(config)
        redirect = await self.client(config).authorize_redirect(request, redirect_uri)
        if not isinstance(
            redirect, RedirectResponse
        ):  # Authlib ships no types; its Starlette client makes one
            raise TypeError(f"Authlib answered {type(redirect).__name__}, not a RedirectResponse")
        return redirect

    async def finish(
        self, config: ProviderConfig, request: Request, wanted: tuple[str, ...]
    ) -> dict[str, Any]:
        """Exchange the callback's code for tokens and return the id_token's verified claims; when one of the
        ``wanted`` claims is not in it, with the UserInfo endpoint's claims about the same subject added.

        Checked: the state belongs to this browser's login in progress (and is used once), the signature against
        the provider's JWKS, ``iss`` is the configured issuer, ``aud`` holds our client id, ``exp`` and ``iat``
        (with ``LEEWAY_SECONDS``), and ``nonce`` is the one sent in this login's authorization request."""
        await self.metadata(config)
        claims_options = {
            "iss": {"essential": True, "value": config.issuer},
            "aud": {"essential": True, "value": config.client_id},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "nonce": {"essential": True},
        }
        try:
            token = await self.client(config).authorize_access_token(
                request, claims_options=claims_options, leeway=LEEWAY_SECONDS
            )
        except httpx2.HTTPError as exc:
            raise DiscoveryFailed(texts.unavailable()) from exc
        except OAuthError as exc:
            raise TokenRejected(exc.error or "oauth_error") from exc
        except JoseError as exc:
            raise TokenRejected(exc.description or exc.error) from exc
        claims = token.get("userinfo")
        if not claims:
            raise TokenRejected("missing_id_token")
        if all(claim in claims for claim in wanted):
            return dict(claims)
        return {**await self._userinfo(config, token, claims["sub"]), **claims}

    async def _userinfo(self, config: ProviderConfig, token: dict[str, Any], subject: str) -> dict[str, Any]:
        """The UserInfo endpoint's claims, for a provider that keeps claims out of the id_token (as a certified
        one does by default for claims asked for by scope); they must be about the id_token's subject."""
        if not (await self.metadata(config)).get("userinfo_endpoint"):
            return {}
        try:
            found = dict(await self.client(config).userinfo(token=token))
        except httpx2.HTTPError as exc:
            raise DiscoveryFailed(texts.unavailable()) from exc
        if found.get("sub") != subject:
            raise TokenRejected("userinfo_subject_mismatch")
        return found

    async def end_session_url(self, config: ProviderConfig, post_logout_redirect_uri: str) -> str | None:
        """The provider's RP-initiated logout URL, when its discovery document has one."""
        try:
            metadata = await self.metadata(config)
        except DiscoveryFailed:
            return None
        if not metadata.get("end_session_endpoint"):
            return None
        created = await self.client(config).create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri, client_id=config.client_id
        )
        return str(created["url"])
