"""Logging in: wrong passwords are limited per username and per client address, with waits that grow."""

from __future__ import annotations

import asyncio

import httpx

from tests.factories import PASSWORD, Factory
from tests.ratelimit.conftest import ClientWith, refusals, refused


async def _login(client: httpx.AsyncClient, username: str, password: str, **headers: str) -> httpx.Response:
    return await client.post(
        "/api/auth/login", json={"username": username, "password": password}, headers=headers
    )


async def test_fifty_wrong_passwords_in_a_row_are_refused_after_the_fifth_and_then_the_right_one_too(
    client_with: ClientWith, make: Factory
) -> None:
    client, ada = await client_with(), await make.person()
    answers = [await _login(client, ada.username, f"guess {n}") for n in range(50)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    for answer in answers[5:]:
        assert refused(answer, "login_failures_per_username") <= 60
    refused(await _login(client, ada.username, PASSWORD), "login_failures_per_username")
    assert await refusals(client, "login_failures_per_username") == 46
    assert (
        await _login(client, (await make.person()).username, PASSWORD)
    ).status_code == 200  # others log in


async def test_the_wait_grows_with_the_failures(client_with: ClientWith, make: Factory) -> None:
    client, ada = (
        await client_with(rate_login_failures_per_username="2/10 seconds;3/hour"),
        await make.person(),
    )
    assert [(await _login(client, ada.username, "wrong")).status_code for _ in range(2)] == [401, 401]
    wait = refused(await _login(client, ada.username, "wrong"), "login_failures_per_username")
    assert wait <= 10
    await asyncio.sleep(
        wait + 0.2
    )  # the first window has passed: one more guess, then the hour's window holds
    assert (await _login(client, ada.username, "wrong")).status_code == 401
    assert refused(await _login(client, ada.username, "wrong"), "login_failures_per_username") > 3500


async def test_a_right_password_clears_the_usernames_failures(client_with: ClientWith, make: Factory) -> None:
    client, ada = await client_with(rate_login_failures_per_username="3/hour"), await make.person()
    for _ in range(2):
        assert (await _login(client, ada.username, "wrong")).status_code == 401
    assert (await _login(client, ada.username, PASSWORD)).status_code == 200
    assert [(await _login(client, ada.username, "wrong")).status_code for _ in range(4)] == [
        401,
        401,
        401,
        429,
    ]


async def test_wrong_passwords_from_one_address_are_limited_across_usernames(
    client_with: ClientWith, make: Factory
) -> None:
    client = await client_with(rate_login_failures_per_address="3/minute")
    people = await make.people(5)
    assert [(await _login(client, p.username, "wrong")).status_code for p in people[:3]] == [401] * 3
    refused(await _login(client, people[3].username, "wrong"), "login_failures_per_address")
    refused(await _login(client, people[4].username, PASSWORD), "login_failures_per_address")


async def test_the_client_address_comes_from_the_trusted_proxy_header_only_when_configured(
    client_with: ClientWith, make: Factory
) -> None:
    ada, ben = await make.people(2)
    direct = await client_with(rate_login_failures_per_address="2/minute")
    for forged in ("10.0.0.1", "10.0.0.2"):  # not trusted: both count against the socket's peer
        assert (await _login(direct, ada.username, "wrong", **{"X-Forwarded-For": forged})).status_code == 401
    refused(
        await _login(direct, ben.username, "wrong", **{"X-Forwarded-For": "10.0.0.3"}),
        "login_failures_per_address",
    )

    proxied = await client_with(
        rate_login_failures_per_address="2/minute", client_address_header="X-Forwarded-For"
    )
    for _ in range(2):  # the last entry is the one the proxy added; what the client put before it is ignored
        assert (
            await _login(proxied, ada.username, "wrong", **{"X-Forwarded-For": "1.1.1.1, 10.0.0.1"})
        ).status_code == 401
    refused(
        await _login(proxied, ada.username, "wrong", **{"X-Forwarded-For": "2.2.2.2, 10.0.0.1"}),
        "login_failures_per_address",
    )
    assert (
        await _login(proxied, ben.username, PASSWORD, **{"X-Forwarded-For": "10.0.0.9"})
    ).status_code == 200


async def test_bearer_tokens_are_limited_per_username(client_with: ClientWith, make: Factory) -> None:
    client, ada = await client_with(rate_token_creation="3/minute"), await make.person()
    credentials = {"username": ada.username, "password": PASSWORD}
    assert [(await client.post("/api/auth/tokens", json=credentials)).status_code for _ in range(3)] == [
        201
    ] * 3
    refused(await client.post("/api/auth/tokens", json=credentials), "token_creation")
    assert (await _login(client, ada.username, PASSWORD)).status_code == 200  # a browser session still opens
