"""The OpenAPI document tells the truth (issue 14): every error answer in the one shape the server sends, each
success status a route answers with, and a check (tests/openapi_check.py) that holds every answer of the suite to
it — which must itself refuse what the document does not say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from schoolchat.cli import openapi_document
from tests.calls import send, started
from tests.factories import Factory
from tests.openapi_check import Document

ERROR_STATUSES = {"401", "403", "404", "409", "413", "415", "422", "429"}


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_error_an_operation_lists_is_in_the_one_error_shape(app: FastAPI) -> None:
    other_shapes = [
        f"{method} {path} {status}"
        for method, path, operation in _operations(app)
        for status, response in operation["responses"].items()
        if status.startswith(("4", "5"))
        and set(response.get("content", {})) != {"text/html"}  # the sign-in pages a browser is sent to
        and response.get("content", {}).get("application/json", {}).get("schema")
        != {"$ref": "#/components/schemas/ErrorOut"}
    ]
    assert other_shapes == []
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]


def test_the_error_shape_is_code_message_and_details(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    assert schemas["ErrorOut"]["required"] == ["error"]
    assert schemas["ErrorDetail"]["required"] == ["code", "message", "details"]


def test_an_operation_that_takes_input_lists_422_and_one_that_takes_credentials_401(app: FastAPI) -> None:
    missing = [
        f"{method} {path}"
        for method, path, operation in _operations(app)
        if (operation.get("parameters") or operation.get("requestBody"))
        and "422" not in operation["responses"]
        or "security" in operation
        and not {"401", "403"} <= set(operation["responses"])
    ]
    assert missing == []


def test_a_write_lists_429_for_every_write_has_a_rate(app: FastAPI) -> None:
    unrated = [
        f"{method} {path}"
        for method, path, operation in _operations(app)
        if method in {"POST", "PUT", "PATCH", "DELETE"}
        and path.startswith("/api/")
        and "429" not in operation["responses"]
    ]
    assert unrated == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/conversations"),
        ("POST", "/api/conversations/{conversation_id}/messages"),
        ("POST", "/api/messages/{message_id}/forward"),
    ],
)
def test_a_request_that_can_make_nothing_new_lists_200_beside_201(
    app: FastAPI, method: str, path: str
) -> None:
    responses = app.openapi()["paths"][path][method.lower()]["responses"]
    assert {"200", "201"} <= set(responses)
    assert responses["200"]["content"] == responses["201"]["content"]


async def test_starting_a_conversation_that_exists_answers_200_and_a_new_message_in_it_201(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student, peer = await make.person(), await make.person()
    first = await client.post(
        "/api/conversations", json={"recipients": {"people": [peer.id]}}, headers=student.headers
    )
    again = await client.post(
        "/api/conversations", json={"recipients": {"people": [peer.id]}}, headers=student.headers
    )
    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (again.status_code, again.json()["created"]) == (200, False)
    with_message = await client.post(
        "/api/conversations",
        json={
            "recipients": {"people": [peer.id]},
            "message": {"body": "hello", "client_message_id": "hello-1"},
        },
        headers=student.headers,
    )
    assert (with_message.status_code, with_message.json()["created"]) == (201, False)


async def test_a_retried_send_answers_200_with_the_original(client: httpx.AsyncClient, make: Factory) -> None:
    student, peer = await make.person(), await make.person()
    conversation = (await started(client, student, people=[peer.id]))["conversation"]["id"]
    first = await send(client, student, conversation, "once", cmid="once-1")
    again = await send(client, student, conversation, "once", cmid="once-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] and again.json()["message"]["id"] == first.json()["message"]["id"]


def _answer(status: int, body: Any, method: str = "GET", path: str = "/api/me") -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request(method, f"http://testserver{path}"))


def test_the_check_refuses_a_status_the_document_does_not_list(app: FastAPI) -> None:
    with pytest.raises(AssertionError, match="a status /openapi.json does not list"):
        Document(app.openapi()).check(
            _answer(418, {"error": {"code": "teapot", "message": "", "details": {}}})
        )


def test_the_check_refuses_a_body_that_does_not_match_its_schema(app: FastAPI) -> None:
    with pytest.raises(AssertionError, match="does not match"):
        Document(app.openapi()).check(_answer(401, {"detail": "Not authenticated"}))


def test_the_check_takes_an_error_in_the_one_shape(app: FastAPI) -> None:
    Document(app.openapi()).check(
        _answer(401, {"error": {"code": "unauthenticated", "message": "Log in.", "details": {}}})
    )


def test_the_command_writes_the_document_the_server_serves(app: FastAPI, tmp_path: Path) -> None:
    openapi_document(tmp_path / "openapi.json")
    assert json.loads((tmp_path / "openapi.json").read_text()) == json.loads(json.dumps(app.openapi()))
