"""Which person a login links to: the configured claim, a verified email only, and only people of the provider's
org or below; and logging out of a session a provider signed in."""

from __future__ import annotations

import httpx
from schoolchat.people.roster.models import roster_ids
from schoolchat.services import Services
from tests.factories import PASSWORD, Factory
from tests.sso.conftest import School
from tests.sso.test_sign_in import sign_in


async def _link_by(client: httpx.AsyncClient, school: School, link_by: str, link_claim: str | None = None) -> None:
    assert (await client.put(f"/api/admin/orgs/{school.org_id}/identity-provider", headers=school.admin.headers,
                             json=school.provider_settings(link_by=link_by, link_claim=link_claim))).status_code == 200


async def _me(browser: httpx.AsyncClient) -> int | None:
    response = await browser.get("/api/me")
    return response.json()["id"] if response.status_code == 200 else None


async def test_an_email_links_only_when_the_provider_verified_it(make: Factory, school: School,
                                                                 client: httpx.AsyncClient,
                                                                 browser: httpx.AsyncClient) -> None:
    student = await make.person()
    assert (await client.patch(f"/api/admin/users/{student.id}", headers=school.admin.headers,
                               json={"email": "Sam@School.Example"})).status_code == 204
    await _link_by(client, school, "email")
    refused = await sign_in(browser, school, "sub-e", email="sam@school.example", email_verified=False)
    assert refused.status_code == 403 and await _me(browser) is None
    await sign_in(browser, school, "sub-e", email="SAM@school.example", email_verified=True)
    assert await _me(browser) == student.id


async def test_a_roster_sourced_id_links_by_the_chosen_claim(make: Factory, school: School, services: Services,
                                                             client: httpx.AsyncClient,
                                                             browser: httpx.AsyncClient) -> None:
    student = await make.person()
    async with services.db.write() as tx:
        await tx.conn.execute(roster_ids.insert().values(kind="user", sourced_id="sis-4711", local_id=student.id))
    await _link_by(client, school, "sourced_id", "employee_number")
    await sign_in(browser, school, "sub-s", employee_number="sis-4711")
    assert await _me(browser) == student.id


async def test_a_schools_provider_never_signs_in_someone_of_another_school(make: Factory, school: School,
                                                                           browser: httpx.AsyncClient) -> None:
    elsewhere = await make.person(school=make.other_school)
    refused = await sign_in(browser, school, "sub-o", preferred_username=elsewhere.username)
    assert refused.status_code == 403 and await _me(browser) is None


async def test_logout_ends_the_session_and_offers_the_providers_end_session_url(
        make: Factory, school: School, browser: httpx.AsyncClient) -> None:
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
    assert (await browser.get(str(end_session))).status_code == 200  # the provider accepts it (its confirm page)


async def test_logout_of_a_password_session_has_no_end_session_url(school: School,
                                                                    client: httpx.AsyncClient) -> None:
    logged_in = await client.post("/api/auth/login", json={"username": school.admin.username,
                                                           "password": PASSWORD})
    response = await client.post("/api/sso/logout", headers={"X-CSRF-Token": logged_in.json()["csrf_token"]})
    assert response.json() == {"end_session_url": None}
