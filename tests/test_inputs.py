"""No input makes a 500 (issue 11): ids and cursors are bounded to what the databases hold, bodies take JSON's types
as the schema states them, a change (PATCH) never sets NOT NULL columns to null, and times carry their zone.
Each case found by the property-based run has its test here; tests/test_schemathesis.py keeps looking."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from schoolchat.inputs import MAX_ID
from tests.calls import error_of, started
from tests.factories import Factory, Person

HUGE = 95757480440715706368  # the cursor Schemathesis sent: above 2^63 - 1, what SQLite holds


def _refused(answer: httpx.Response, field: str) -> None:
    assert answer.status_code == 422, answer.text
    error = error_of(answer)
    assert error["code"] == "invalid_request"
    assert field in [f["field"] for f in error["details"]["fields"]], error


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", f"/api/conversations/{HUGE}", None, "conversation_id"),
        ("GET", f"/api/conversations/1/messages?before_seq={HUGE}", None, "before_seq"),
        ("GET", f"/api/messages/{MAX_ID + 1}", None, "message_id"),
        ("GET", f"/api/events?after={HUGE}", None, "after"),
        ("GET", f"/api/search?q=x&before_id={HUGE}", None, "before_id"),
        ("GET", f"/api/admin/audit?object_id={HUGE}", None, "object_id"),
        ("PUT", f"/api/admin/users/{HUGE}/roles/1", {"role": "teacher"}, "user_id"),
        ("POST", "/api/conversations", {"recipients": {"people": [HUGE]}}, "recipients.people.0"),
        (
            "POST",
            "/api/conversations/1/messages",
            {"body": "hi", "attachment_ids": [HUGE]},
            "attachment_ids.0",
        ),
        ("POST", "/api/conversations/1/read", {"up_to_seq": HUGE}, "up_to_seq"),
        ("POST", "/api/messages/1/forward", {"conversation_id": HUGE}, "conversation_id"),
    ],
)
async def test_ids_and_cursors_above_what_the_database_holds_are_refused(
    client: httpx.AsyncClient, make: Factory, method: str, path: str, body: Any, field: str
) -> None:
    admin = await make.person(role="admin")
    _refused(await client.request(method, path, json=body, headers=admin.headers), field)


async def test_the_largest_id_the_database_holds_is_simply_not_found(
    client: httpx.AsyncClient, make: Factory
) -> None:
    ada = await make.person()
    answer = await client.get(
        f"/api/conversations/{MAX_ID}/messages?before_seq={MAX_ID}", headers=ada.headers
    )
    assert answer.status_code == 404 and error_of(answer)["code"] == "not_found"


async def test_a_conversation_list_cursor_with_an_id_out_of_range_is_refused(
    client: httpx.AsyncClient, make: Factory
) -> None:
    ada = await make.person()
    cursor = base64.urlsafe_b64encode(f"2026-12-01T08:00:00+00:00|{HUGE}".encode()).decode().rstrip("=")
    answer = await client.get("/api/conversations", params={"cursor": cursor}, headers=ada.headers)
    assert answer.status_code == 422 and error_of(answer)["code"] == "invalid_cursor"


def test_every_integer_a_request_carries_is_bounded_in_the_schema(app: FastAPI) -> None:
    schema = app.openapi()

    def integers(node: Any, where: str) -> list[tuple[str, Any]]:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[1]
                return integers(schema["components"]["schemas"][name], f"{where}>{name}")
            found = [(where, node)] if node.get("type") == "integer" else []
            return found + [hit for key, value in node.items() for hit in integers(value, f"{where}.{key}")]
        if isinstance(node, list):
            return [hit for value in node for hit in integers(value, where)]
        return []

    unbounded = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            inputs = [(f"{method} {path} {p['name']}", p["schema"]) for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                inputs.append((f"{method} {path} body", body["schema"]))
            unbounded += [
                where
                for name, node in inputs
                for where, integer in integers(node, name)
                if integer.get("maximum", MAX_ID + 1) > MAX_ID
            ]
    assert unbounded == []


async def test_a_null_org_name_is_refused_before_anything_else(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person()
    _refused(
        await client.patch(f"/api/admin/orgs/{make.school}", json={"name": None}, headers=student.headers),
        "name",
    )


@pytest.mark.parametrize("what", ["orgs", "spaces"])
async def test_messaging_disabled_cannot_be_set_to_null(
    client: httpx.AsyncClient, make: Factory, what: str
) -> None:
    admin = await make.person(role="admin")
    target = make.school if what == "orgs" else (await make.space("Biology")).id
    _refused(
        await client.patch(
            f"/api/admin/{what}/{target}", json={"messaging_disabled": None}, headers=admin.headers
        ),
        "messaging_disabled",
    )


@pytest.mark.parametrize("field", ["messaging_disabled", "mass_messaging", "is_active", "password", "name"])
async def test_a_person_s_switches_password_and_name_cannot_be_set_to_null(
    client: httpx.AsyncClient, make: Factory, field: str
) -> None:
    admin, student = await make.person(role="admin"), await make.person()
    _refused(
        await client.patch(f"/api/admin/users/{student.id}", json={field: None}, headers=admin.headers), field
    )


@pytest.mark.parametrize("until", ["0.5", "1700000000", "2026-12-01T08:00:00", "tomorrow"])
async def test_audit_times_are_dates_and_times_with_their_zone(
    client: httpx.AsyncClient, make: Factory, until: str
) -> None:
    admin = await make.person(role="admin")
    _refused(await client.get("/api/admin/audit", params={"until": until}, headers=admin.headers), "until")
    answer = await client.get(
        "/api/admin/audit", params={"until": "2026-12-01T08:00:00Z"}, headers=admin.headers
    )
    assert answer.status_code == 200, answer.text


async def _conversation(client: httpx.AsyncClient, make: Factory) -> tuple[Person, int]:
    ada, ben = await make.person(), await make.person()
    return ada, (await started(client, ada, people=[ben.id], body="hello"))["conversation"]["id"]


@pytest.mark.parametrize("seq", [False, True, 1.0, "1"])
async def test_a_read_cursor_is_an_integer_and_nothing_else(
    client: httpx.AsyncClient, make: Factory, seq: Any
) -> None:
    ada, conversation = await _conversation(client, make)
    _refused(
        await client.post(
            f"/api/conversations/{conversation}/read", json={"up_to_seq": seq}, headers=ada.headers
        ),
        "up_to_seq",
    )
    accepted = await client.post(
        f"/api/conversations/{conversation}/read", json={"up_to_seq": 1}, headers=ada.headers
    )
    assert accepted.status_code == 200, accepted.text


@pytest.mark.parametrize("before_seq", ["1.0", "1e3", "0x10"])
async def test_a_query_integer_is_written_in_digits(
    client: httpx.AsyncClient, make: Factory, before_seq: str
) -> None:
    ada, conversation = await _conversation(client, make)
    _refused(
        await client.get(
            f"/api/conversations/{conversation}/messages",
            params={"before_seq": before_seq},
            headers=ada.headers,
        ),
        "before_seq",
    )


@pytest.mark.parametrize("confirm", [1, "true"])
async def test_a_boolean_is_true_or_false(client: httpx.AsyncClient, make: Factory, confirm: Any) -> None:
    ada, conversation = await _conversation(client, make)
    _refused(
        await client.post(
            f"/api/conversations/{conversation}/delete", json={"confirm": confirm}, headers=ada.headers
        ),
        "confirm",
    )


async def test_reading_up_to_a_seq_from_the_future_reads_to_the_newest_only(
    client: httpx.AsyncClient, make: Factory
) -> None:
    ada, ben = await make.person(), await make.person()
    conversation = (await started(client, ada, people=[ben.id], body="hello"))["conversation"]["id"]
    read = await client.post(
        f"/api/conversations/{conversation}/read", json={"up_to_seq": MAX_ID}, headers=ben.headers
    )
    assert read.json()["unread"] == 0
    await client.post(
        f"/api/conversations/{conversation}/messages", json={"body": "later"}, headers=ada.headers
    )
    assert (await client.get("/api/unread", headers=ben.headers)).json()["total"] == 1


async def test_a_body_field_the_schema_does_not_name_is_refused(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student, peer = await make.person(), await make.person()
    conversation = (await started(client, student, people=[peer.id]))["conversation"]["id"]
    answer = await client.post(
        f"/api/conversations/{conversation}/messages",
        json={"body": "hi", "bodyy": "typo"},
        headers=student.headers,
    )
    _refused(answer, "bodyy")
    assert error_of(answer)["details"]["fields"][0]["type"] == "extra_forbidden"


def test_every_request_body_says_it_takes_no_other_fields(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    open_bodies = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            for ref in (
                [body["schema"], *body["schema"].get("anyOf", [])] if body else []
            ):  # optional: anyOf null
                name = ref.get("$ref", "").rsplit("/", 1)[-1]
                if name and schemas[name].get("additionalProperties") is not False:
                    open_bodies.append(f"{method.upper()} {path}: {name}")
    assert open_bodies == []
