"""Single sign-on fixtures: the real test OpenID provider, an org configured to sign in with it through the admin
API, and a browser-like HTTP client that follows redirects between the app and the provider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from tests.factories import Factory, Person
from tests.openapi_check import checking
from tests.sso.openid_provider import Client, OpenIdProvider, openid_provider

__all__ = ["openid_provider"]

APP = "http://testserver"


@dataclass
class School:
    """The factory's school, signing in with the test provider; ``admin`` administers it."""

    org_id: int
    client: Client
    admin: Person
    provider: OpenIdProvider

    def provider_settings(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Test ID",
            "issuer": self.provider.url,
            "client_id": self.client.client_id,
            "client_secret": self.client.client_secret,
            "link_by": "username",
            **changes,
        }


@pytest.fixture
async def school(make: Factory, client: httpx.AsyncClient, openid_provider: OpenIdProvider) -> School:
    admin = await make.person("School Admin", "admin")
    registered = openid_provider.register_client(
        f"{APP}/sso/{make.school}/callback", f"{APP}/login?org={make.school}"
    )
    configured = School(make.school, registered, admin, openid_provider)
    response = await client.put(
        f"/api/admin/orgs/{make.school}/identity-provider",
        headers=admin.headers,
        json=configured.provider_settings(),
    )
    assert response.status_code == 200, response.text
    return configured


@pytest.fixture
async def browser(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """Like a browser: one cookie jar, redirects followed, the app in process and the provider over real HTTP."""
    async with httpx.AsyncClient(
        base_url=APP,
        follow_redirects=True,
        transport=httpx.AsyncHTTPTransport(),
        mounts={APP: httpx.ASGITransport(app=app)},
        event_hooks={"response": [checking(app)]},
    ) as http:
        yield http
