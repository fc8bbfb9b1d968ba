"""Logging in and out: session cookies with CSRF for browsers, bearer tokens for API clients."""

from __future__ import annotations

import httpx

from tests.factories import PASSWORD, Factory


async def test_bearer_token_login_gives_access_to_the_api(client: httpx.AsyncClient, make: Factory) -> None:
    person = await make.person("Ada Lovelace")
    answer = await client.post("/api/auth/tokens", json={"username": person.username, "password": PASSWORD})
    assert answer.status_code == 201
    token = answer.json()["access_token"]
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["name"] == "Ada Lovelace"


async def test_wrong_password_is_refused_in_the_error_shape(client: httpx.AsyncClient, make: Factory) -> None:
    person = await make.person()
    answer = await client.post("/api/auth/tokens", json={"username": person.username, "password": "nope"})
    assert answer.status_code == 401
    assert answer.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "The username or password is incorrect.",
            "details": {},
        }
    }


async def test_unknown_user_is_refused_like_a_wrong_password(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/auth/tokens", json={"username": "ghost", "password": "whatever1"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_credentials"


async def test_session_cookie_is_httponly_and_samesite_lax(client: httpx.AsyncClient, make: Factory) -> None:
    person = await make.person()
    answer = await client.post("/api/auth/login", json={"username": person.username, "password": PASSWORD})
    assert answer.status_code == 200
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


async def test_cookie_writes_need_the_csrf_header(client: httpx.AsyncClient, make: Factory) -> None:
    person = await make.person()
    other = await make.person()
    login = await client.post("/api/auth/login", json={"username": person.username, "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    body = {"recipients": {"people": [other.id]}}
    refused = await client.post("/api/conversations", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    accepted = await client.post("/api/conversations", json=body, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201


async def test_cookie_reads_need_no_csrf_header(client: httpx.AsyncClient, make: Factory) -> None:
    person = await make.person()
    await client.post("/api/auth/login", json={"username": person.username, "password": PASSWORD})
    assert (await client.get("/api/conversations")).status_code == 200


async def test_logout_revokes_the_token(client: httpx.AsyncClient, make: Factory) -> None:
    person = await make.person()
    assert (await client.post("/api/auth/logout", headers=person.headers)).status_code == 204
    answer = await client.get("/api/me", headers=person.headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"


async def test_logout_of_a_cookie_session_ends_it(client: httpx.AsyncClient, make: Factory) -> None:
    person = await make.person()
    login = await client.post("/api/auth/login", json={"username": person.username, "password": PASSWORD})
    cookie = login.cookies["schoolchat_session"]
    out = await client.post("/api/auth/logout", headers={"X-CSRF-Token": login.json()["csrf_token"]})
    assert out.status_code == 204
    client.cookies.set("schoolchat_session", cookie)
    assert (await client.get("/api/me")).status_code == 401


async def test_anonymous_requests_get_401(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/conversations")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"


async def test_a_made_up_token_gets_401(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/me", headers={"Authorization": "Bearer not-a-real-token"})
    assert answer.status_code == 401
