"""Every API error reads in the reader's language (issue 15), whatever raised it: a policy's refusal, an object
out of reach (404), pydantic's input checks (422) and a rate limit (429). Here in bokmål, for one of each."""

from __future__ import annotations

import httpx

from tests.calls import error_of, send, started
from tests.factories import Factory
from tests.ratelimit.conftest import ClientWith, client_with  # noqa: F401  (the fixture)

BOKMAL = {"Accept-Language": "nb"}


async def test_a_policy_refusal_reads_in_norwegian(client: httpx.AsyncClient, make: Factory) -> None:
    ada, ben = await make.people(2)
    direct = (await started(client, ada, people=[ben.id], body="Hei"))["conversation"]["id"]
    answer = await client.patch(
        f"/api/conversations/{direct}", json={"name": "Venner"}, headers={**ada.headers, **BOKMAL}
    )
    assert answer.status_code == 409
    assert error_of(answer)["message"] == "Dette kan bare gjøres i gruppesamtaler."


async def _read_in_bokmal(client: httpx.AsyncClient, make: Factory, path: str) -> tuple[int, str]:
    ada = await make.person()
    answer = await client.get(path, headers={**ada.headers, **BOKMAL})
    return answer.status_code, str(error_of(answer)["message"])


async def test_an_object_out_of_reach_reads_in_norwegian(client: httpx.AsyncClient, make: Factory) -> None:
    assert await _read_in_bokmal(client, make, "/api/conversations/999999") == (404, "Fant ikke samtalen.")


async def test_an_input_check_reads_in_norwegian(client: httpx.AsyncClient, make: Factory) -> None:
    ada = await make.person()
    answer = await client.post(
        "/api/conversations", json={"mode": "group"}, headers={**ada.headers, **BOKMAL}
    )
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["message"] == "recipients: Feltet må fylles ut."
    assert error["details"]["fields"] == [
        {"field": "recipients", "message": "Feltet må fylles ut.", "type": "missing"}
    ]


async def test_a_bound_reads_in_norwegian_with_its_number(client: httpx.AsyncClient, make: Factory) -> None:
    assert await _read_in_bokmal(client, make, "/api/conversations/0") == (
        422,
        "conversation_id: Verdien må være minst 1.",
    )


async def test_a_body_that_is_not_json_reads_in_norwegian(client: httpx.AsyncClient, make: Factory) -> None:
    ada = await make.person()
    answer = await client.post(
        "/api/conversations",
        content=b"{",
        headers={**ada.headers, **BOKMAL, "Content-Type": "application/json"},
    )
    assert error_of(answer)["message"] == "innholdet i forespørselen: ikke gyldig JSON"


async def test_a_rate_limit_reads_in_norwegian(client_with: ClientWith, make: Factory) -> None:  # noqa: F811
    client = await client_with(rate_sends="1/minute")
    ada, ben = await make.people(2)
    chosen = await client.put("/api/me/language", json={"language": "nb"}, headers=ada.headers)
    assert chosen.status_code == 200
    direct = (await started(client, ada, people=[ben.id], body="Hei"))["conversation"]["id"]
    answer = await send(client, ada, direct, "igjen")
    assert answer.status_code == 429
    assert error_of(answer)["message"].startswith("For mange forespørsler. Prøv igjen om ")


async def test_an_unknown_address_reads_in_norwegian(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/nothing-here", headers=BOKMAL)
    assert answer.status_code == 404
    assert error_of(answer)["message"] == "Det finnes ingenting på denne adressen."
