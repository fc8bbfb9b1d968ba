"""Signing in through the school's OpenID provider (issue 12): a real oidc-provider server, the real app, the
whole redirect dance followed as a browser follows it."""

from __future__ import annotations

import html

import httpx
from sqlalchemy import func, select

from schoolchat.auth.deps import SESSION_COOKIE
from schoolchat.moderation.models import audit_log
from schoolchat.people.models import users
from schoolchat.services import Services
from schoolchat.sso import texts
from tests.factories import Factory
from tests.sso.conftest import School


async def sign_in(
    browser: httpx.AsyncClient, school: School, sub: str, tamper: str | None = None, **claims: object
) -> httpx.Response:
    school.provider.log_in_next(school.client, sub, claims, tamper)
    return await browser.get(f"/sso/{school.org_id}/login")


async def test_a_good_login_ends_in_the_panel_with_a_session(
    make: Factory, school: School, browser: httpx.AsyncClient
) -> None:
    student = await make.person("Sam Student")
    final = await sign_in(browser, school, "sub-sam", preferred_username=student.username)
    assert final.status_code == 200 and final.url.path == "/"
    assert 'id="chat-button"' in final.text  # the platform page with the messages panel's button
    assert [hop.url.host for hop in final.history][:2] == ["testserver", "127.0.0.1"]  # through the provider
    me = await browser.get("/api/me")
    assert me.status_code == 200 and me.json()["id"] == student.id
    assert SESSION_COOKIE in browser.cookies  # the same session cookie a password login makes, with its CSRF
    csrf = (await browser.get("/api/auth/session")).json()["csrf_token"]
    assert (await browser.post("/api/auth/logout")).status_code == 403
    assert (await browser.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})).status_code == 204


async def refused_with(final: httpx.Response, services: Services, status: int, sentence: str) -> list[dict]:
    assert final.status_code == status, final.text
    assert html.escape(sentence) in final.text
    async with services.db.read() as conn:
        return [
            dict(row._mapping)
            for row in await conn.execute(
                select(audit_log.c.action, audit_log.c.details).where(audit_log.c.action.like("sso.%"))
            )
        ]


async def _rejected(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services, tamper: str, reason: str
) -> None:
    student = await make.person()
    final = await sign_in(browser, school, "sub-x", tamper, preferred_username=student.username)
    entries = await refused_with(final, services, 400, texts.failed())
    assert entries == [
        {"action": "sso.token_rejected", "details": {"issuer": school.provider.url, "reason": reason}}
    ]
    assert (await browser.get("/api/me")).status_code == 401


async def test_an_id_token_for_another_audience_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    await _rejected(make, school, browser, services, "aud", "Invalid claim: 'aud'")


async def test_an_id_token_from_another_issuer_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    await _rejected(make, school, browser, services, "iss", "Invalid claim: 'iss'")


async def test_an_expired_id_token_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    await _rejected(make, school, browser, services, "exp", "The token is expired")


async def test_an_id_token_without_the_nonce_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    await _rejected(make, school, browser, services, "nonce-missing", "Missing claim: 'nonce'")


async def test_an_id_token_replaying_an_earlier_logins_nonce_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    student = await make.person()
    assert (await sign_in(browser, school, "sub-r", preferred_username=student.username)).url.path == "/"
    browser.cookies.clear()
    await _rejected(make, school, browser, services, "nonce-replay", "Invalid claim: 'nonce'")


async def test_an_id_token_with_a_tampered_signature_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    await _rejected(make, school, browser, services, "signature", "bad_signature")


async def test_a_replayed_callback_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    student = await make.person()
    final = await sign_in(browser, school, "sub-c", preferred_username=student.username)
    callback = next(hop.url for hop in final.history if hop.url.path.endswith("/callback"))
    again = await browser.get(str(callback))  # the state was used up by the first answer
    entries = await refused_with(again, services, 400, texts.failed())
    assert [entry["details"]["reason"] for entry in entries] == ["mismatching_state"]


async def test_a_key_rotation_on_the_provider_is_picked_up_by_its_new_kid(
    make: Factory, school: School, browser: httpx.AsyncClient
) -> None:
    student = await make.person()
    assert (await sign_in(browser, school, "sub-k", preferred_username=student.username)).url.path == "/"
    old_kids = school.provider.kids()
    new_kid = school.provider.rotate_keys()[0]
    assert new_kid not in old_kids
    browser.cookies.clear()
    final = await sign_in(browser, school, "sub-k", preferred_username=student.username)
    assert final.url.path == "/" and (await browser.get("/api/me")).json()["id"] == student.id


async def test_an_unknown_subject_gets_the_no_access_page_an_audit_entry_and_no_account(
    make: Factory, school: School, browser: httpx.AsyncClient, services: Services
) -> None:
    async with services.db.read() as conn:
        people_before = (await conn.execute(select(func.count()).select_from(users))).scalar_one()
    final = await sign_in(browser, school, "sub-nobody", preferred_username="nobody.here")
    entries = await refused_with(final, services, 403, texts.no_access())
    assert "Your school has not given you access to Messages yet" in final.text
    assert entries == [
        {
            "action": "sso.unknown_subject",
            "details": {
                "issuer": school.provider.url,
                "sub": "sub-nobody",
                "link_by": "username",
                "link_claim": "preferred_username",
                "value": "nobody.here",
            },
        }
    ]
    async with services.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(users))).scalar_one() == people_before
    assert (await browser.get("/api/me")).status_code == 401


async def test_a_deactivated_person_is_refused(
    make: Factory, school: School, browser: httpx.AsyncClient, client: httpx.AsyncClient, services: Services
) -> None:
    student = await make.person()
    assert (
        await client.patch(
            f"/api/admin/users/{student.id}", headers=school.admin.headers, json={"is_active": False}
        )
    ).status_code == 204
    final = await sign_in(browser, school, "sub-d", preferred_username=student.username)
    entries = await refused_with(final, services, 403, texts.deactivated())
    assert [entry["action"] for entry in entries] == ["sso.deactivated"]
    assert (await browser.get("/api/me")).status_code == 401


async def test_the_authorization_request_carries_pkce_state_nonce_and_the_extra_scopes(
    school: School, client: httpx.AsyncClient
) -> None:
    assert (
        await client.put(
            f"/api/admin/orgs/{school.org_id}/identity-provider",
            headers=school.admin.headers,
            json=school.provider_settings(extra_scopes="userid-feide"),
        )
    ).status_code == 200
    redirect = await client.get(f"/sso/{school.org_id}/login")
    assert redirect.status_code == 302
    to = httpx.URL(redirect.headers["location"])
    assert str(to.copy_with(query=None)) == f"{school.provider.url}/auth"
    assert to.params["response_type"] == "code" and to.params["client_id"] == school.client.client_id
    assert to.params["scope"] == "openid profile email userid-feide"
    assert to.params["code_challenge_method"] == "S256" and len(to.params["code_challenge"]) == 43
    assert to.params["state"] and to.params["nonce"]
    assert to.params["redirect_uri"] == f"http://testserver/sso/{school.org_id}/callback"
    cookie = redirect.headers["set-cookie"]  # the login in progress, on /sso only
    assert cookie.startswith("schoolchat_sso=") and "path=/sso;" in cookie and "httponly" in cookie.lower()
