"""Password login where the school signs its people in with an identity provider that switched it off."""

from __future__ import annotations

import httpx

from schoolchat.sso import texts
from tests.factories import PASSWORD, Factory
from tests.sso.conftest import School


async def _switch_password_login(client: httpx.AsyncClient, school: School, allowed: bool) -> None:
    settings = school.provider_settings(password_login=allowed)
    del settings["client_secret"]  # write-only: left out, the stored one is kept
    response = await client.put(
        f"/api/admin/orgs/{school.org_id}/identity-provider", headers=school.admin.headers, json=settings
    )
    assert response.status_code == 200, response.text


async def test_password_login_switched_off_for_the_org_is_refused_naming_the_provider(
    make: Factory, school: School, client: httpx.AsyncClient
) -> None:
    student = await make.person()
    credentials = {"username": student.username, "password": PASSWORD}
    assert (await client.post("/api/auth/login", json=credentials)).status_code == 200
    await _switch_password_login(client, school, False)
    for route in ("/api/auth/login", "/api/auth/tokens"):
        refused = await client.post(route, json=credentials)
        assert refused.status_code == 403
        assert refused.json()["error"] == {
            "code": "password_login_disabled",
            "details": {"org_id": school.org_id},
            "message": texts.password_login_off("Test ID"),
        }
    wrong = await client.post("/api/auth/login", json={**credentials, "password": "not the password"})
    assert wrong.status_code == 401  # the refusal tells nothing to someone without the password
    await _switch_password_login(client, school, True)
    assert (await client.post("/api/auth/login", json=credentials)).status_code == 200


async def test_password_login_switched_off_by_a_district_reaches_its_schools(
    make: Factory, school: School, client: httpx.AsyncClient, openid_provider: object
) -> None:
    district_admin = await make.person("District Admin", "admin", school=make.district)
    settings = {**school.provider_settings(password_login=False)}
    assert (
        await client.put(
            f"/api/admin/orgs/{make.district}/identity-provider",
            headers=district_admin.headers,
            json=settings,
        )
    ).status_code == 200
    student = await make.person(school=make.other_school)
    refused = await client.post("/api/auth/login", json={"username": student.username, "password": PASSWORD})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "password_login_disabled"


async def test_an_admin_of_the_org_keeps_password_login_so_a_broken_provider_can_be_repaired(
    make: Factory, school: School, client: httpx.AsyncClient
) -> None:
    await _switch_password_login(client, school, False)
    bootstrap = await make.person("District Admin", "admin", school=make.district)
    for admin in (school.admin, bootstrap):
        kept = await client.post("/api/auth/login", json={"username": admin.username, "password": PASSWORD})
        assert kept.status_code == 200, kept.text


async def test_bearer_tokens_of_api_clients_keep_working_once_password_login_is_off(
    make: Factory, school: School, client: httpx.AsyncClient
) -> None:
    student = await make.person()
    await _switch_password_login(client, school, False)
    assert (await client.get("/api/me", headers=student.headers)).status_code == 200
