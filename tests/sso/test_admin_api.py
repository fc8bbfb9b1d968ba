"""The admin API for an org's identity provider: admins of the org or above, the secret never returned, every
change in the audit log, and a provider whose discovery document does not match refused before it is stored."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from schoolchat.moderation.models import audit_log
from schoolchat.services import Services
from tests.factories import Factory
from tests.sso.conftest import APP, School


def _route(org_id: int) -> str:
    return f"/api/admin/orgs/{org_id}/identity-provider"


async def test_the_client_secret_is_stored_but_never_returned(
    school: School, client: httpx.AsyncClient
) -> None:
    response = await client.get(_route(school.org_id), headers=school.admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert school.client.client_secret not in response.text and "client_secret" not in body
    assert body == {
        "org_id": school.org_id,
        "name": "Test ID",
        "issuer": school.provider.url,
        "client_id": school.client.client_id,
        "client_secret_set": True,
        "link_by": "username",
        "link_claim": "preferred_username",
        "extra_scopes": "",
        "password_login": True,
        "redirect_uri": f"{APP}/sso/{school.org_id}/callback",
    }


async def test_only_admins_of_the_org_or_above_see_or_change_its_provider(
    make: Factory, school: School, client: httpx.AsyncClient
) -> None:
    teacher = await make.person(role="teacher")
    other_admin = await make.person(role="admin", school=make.other_school)
    district_admin = await make.person(role="admin", school=make.district)
    for stranger in (teacher, other_admin):
        assert (await client.get(_route(school.org_id), headers=stranger.headers)).status_code == 404
        assert (
            await client.put(_route(school.org_id), headers=stranger.headers, json=school.provider_settings())
        ).status_code == 404
        assert (await client.delete(_route(school.org_id), headers=stranger.headers)).status_code == 404
    assert (await client.get(_route(school.org_id))).status_code == 401
    assert (await client.get(_route(school.org_id), headers=district_admin.headers)).status_code == 200


async def test_every_change_is_in_the_audit_log_without_the_secret(
    school: School, client: httpx.AsyncClient, services: Services
) -> None:
    assert (await client.delete(_route(school.org_id), headers=school.admin.headers)).status_code == 204
    assert (await client.get(_route(school.org_id), headers=school.admin.headers)).status_code == 404
    async with services.db.read() as conn:
        rows = (
            await conn.execute(
                select(audit_log.c.actor_id, audit_log.c.action, audit_log.c.details).order_by(audit_log.c.id)
            )
        ).all()
    assert [(row.actor_id, row.action) for row in rows] == [
        (school.admin.id, "identity_provider.set"),
        (school.admin.id, "identity_provider.removed"),
    ]
    assert rows[0].details["client_secret_changed"] is True
    assert school.client.client_secret not in str(rows[0].details)


async def test_a_new_provider_needs_its_client_secret(
    make: Factory, school: School, client: httpx.AsyncClient
) -> None:
    admin = await make.person(role="admin", school=make.other_school)
    settings = school.provider_settings()
    del settings["client_secret"]
    response = await client.put(_route(make.other_school), headers=admin.headers, json=settings)
    assert response.status_code == 422 and response.json()["error"]["code"] == "client_secret_required"


async def test_an_issuer_whose_discovery_names_another_issuer_or_none_is_refused(
    school: School, client: httpx.AsyncClient
) -> None:
    for issuer in (f"{school.provider.url}/", "http://127.0.0.1:9/nothing-listens-here"):
        response = await client.put(
            _route(school.org_id), headers=school.admin.headers, json=school.provider_settings(issuer=issuer)
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "discovery_failed"
    kept = (await client.get(_route(school.org_id), headers=school.admin.headers)).json()
    assert kept["issuer"] == school.provider.url


async def test_an_issuer_must_be_https_outside_this_machine(
    school: School, client: httpx.AsyncClient
) -> None:
    response = await client.put(
        _route(school.org_id),
        headers=school.admin.headers,
        json=school.provider_settings(issuer="http://idp.example.org"),
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"


async def test_the_school_picker_lists_orgs_with_a_provider_and_an_org_link_finds_the_nearest(
    make: Factory, school: School, client: httpx.AsyncClient
) -> None:
    choice = {
        "org_id": school.org_id,
        "org_name": "Test School",
        "provider": "Test ID",
        "button": "Sign in with Test ID",
        "login_url": f"/sso/{school.org_id}/login",
    }
    assert (await client.get("/api/sso/orgs")).json() == [choice]
    assert (await client.get(f"/api/sso/orgs/{school.org_id}")).json() == choice
    assert (await client.get(f"/api/sso/orgs/{make.other_school}")).status_code == 404
