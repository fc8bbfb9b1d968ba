"""Which person a login links to: the configured claim, a verified email only, and only people of the provider's
org or below; and logging out of a session a provider signed in."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from schoolchat.administration.roster.apply import import_roster
from schoolchat.auth.actions import insert_token
from schoolchat.people.models import orgs, users
from schoolchat.services import Services
from tests.factories import PASSWORD, Factory, Person
from tests.people.roster.test_import import SAMPLE
from tests.sso.conftest import APP, School
from tests.sso.openid_provider import OpenIdProvider
from tests.sso.test_sign_in import sign_in


async def _link_by(
    client: httpx.AsyncClient, school: School, link_by: str, link_claim: str | None = None
) -> None:
    assert (
        await client.put(
            f"/api/admin/orgs/{school.org_id}/identity-provider",
            headers=school.admin.headers,
            json=school.provider_settings(link_by=link_by, link_claim=link_claim),
        )
    ).status_code == 200


async def _me(browser: httpx.AsyncClient) -> int | None:
    response = await browser.get("/api/me")
    return response.json()["id"] if response.status_code == 200 else None


async def test_an_email_links_only_when_the_provider_verified_it(
    make: Factory, school: School, client: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    student = await make.person()
    assert (
        await client.patch(
            f"/api/admin/users/{student.id}",
            headers=school.admin.headers,
            json={"email": "Sam@School.Example"},
        )
    ).status_code == 204
    await _link_by(client, school, "email")
    refused = await sign_in(browser, school, "sub-e", email="sam@school.example", email_verified=False)
    assert refused.status_code == 403 and await _me(browser) is None
    await sign_in(browser, school, "sub-e", email="SAM@school.example", email_verified=True)
    assert await _me(browser) == student.id


async def test_people_of_an_imported_roster_sign_in_by_their_sourced_id(
    services: Services, client: httpx.AsyncClient, browser: httpx.AsyncClient, openid_provider: OpenIdProvider
) -> None:
    await import_roster(services, SAMPLE)
    async with services.db.read() as conn:
        district = (await conn.execute(select(orgs.c.id).where(orgs.c.parent_id.is_(None)))).scalar_one()
        student = (
            await conn.execute(select(users.c.id).where(users.c.username == "filip.berge"))
        ).scalar_one()
        admin = (await conn.execute(select(users.c.id).where(users.c.username == "astrid.vik"))).scalar_one()
    async with services.db.write() as tx:
        token = (
            await insert_token(
                tx, services.settings.secret_key, admin, kind="bearer", lifetime=timedelta(hours=1)
            )
        ).token
    registered = openid_provider.register_client(
        f"{APP}/sso/{district}/callback", f"{APP}/login?org={district}"
    )
    school = School(district, registered, Person(admin, "astrid.vik", "Astrid Vik", token), openid_provider)
    await _link_by(client, school, "sourced_id", "employee_number")
    await sign_in(browser, school, "sub-s", employee_number="u-student-4")  # filip.berge's sourcedId
    assert await _me(browser) == student


async def test_a_schools_provider_never_signs_in_someone_of_another_school(
    make: Factory, school: School, browser: httpx.AsyncClient
) -> None:
    elsewhere = await make.person(school=make.other_school)
    refused = await sign_in(browser, school, "sub-o", preferred_username=elsewhere.username)
    assert refused.status_code == 403 and await _me(browser) is None


async def test_logout_ends_the_session_and_offers_the_providers_end_session_url(
    make: Factory, school: School, browser: httpx.AsyncClient
) -> None:
    student = await make.person()
    await sign_in(browser, school, "sub-l", preferred_username=student.username)
    csrf = (await browser.get("/api/auth/session")).json()["csrf_token"]
    response = await browser.post("/api/sso/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    end_session = httpx.URL(response.json()["end_session_url"])
    assert str(end_session.copy_with(query=None)) == f"{school.provider.url}/session/end"
    assert end_session.params["client_id"] == school.client.client_id
    assert end_session.params["post_logout_redirect_uri"] == f"http://testserver/login?org={school.org_id}"
    assert await _me(browser) is None
    assert (
        await browser.get(str(end_session))
    ).status_code == 200  # the provider accepts it (its confirm page)


async def test_logout_of_a_password_session_has_no_end_session_url(
    school: School, client: httpx.AsyncClient
) -> None:
    logged_in = await client.post(
        "/api/auth/login", json={"username": school.admin.username, "password": PASSWORD}
    )
    response = await client.post("/api/sso/logout", headers={"X-CSRF-Token": logged_in.json()["csrf_token"]})
    assert response.json() == {"end_session_url": None}
