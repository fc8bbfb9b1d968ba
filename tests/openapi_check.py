"""A client generated from /openapi.json parses every answer of the suite: each answer the tests' HTTP clients
receive is held to the document's description of that operation and status.

An answer fails the test that received it when its status is not one the operation lists, or when its JSON body
does not match the schema listed for that status (JSON Schema 2020-12, as OpenAPI 3.1 uses). Paths the document
does not describe (pages, /healthz, the hub's socket) are not checked. Fix the schema or the route, not this.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from jsonschema import Draft202012Validator

JSON = "application/json"


class Document:
    """One OpenAPI document, with its operations found by method and path as the server's router finds them."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.paths = [
            (re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"), operations)
            for path, operations in document["paths"].items()
        ]
        self.validators: dict[int, Draft202012Validator] = {}

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        for pattern, operations in self.paths:
            if method in operations and pattern.match(path):
                return operations[method]  # type: ignore[no-any-return]
        return None

    def validator(self, schema: dict[str, Any]) -> Draft202012Validator:
        found = self.validators.get(id(schema))
        if found is None:  # the schema's $refs point into the document's components
            found = Draft202012Validator({**schema, "components": self.document.get("components", {})})
            self.validators[id(schema)] = found
        return found

    def check(self, response: httpx.Response) -> None:
        request = response.request
        operation = self.operation(request.method.lower(), request.url.path)
        if operation is None:
            return
        where = f"{request.method} {request.url.path} answered {response.status_code}"
        described = operation["responses"].get(str(response.status_code))
        assert described is not None, (
            f"{where}, a status /openapi.json does not list for it: {response.text[:500]}"
        )
        media = response.headers.get("content-type", "").split(";")[0].strip()
        if not response.content or not (media == JSON or media.endswith("+json")):
            return
        content = described.get("content", {})
        assert JSON in content, (
            f"{where} with a JSON body that /openapi.json does not describe: {response.text[:500]}"
        )
        schema = content[JSON].get("schema")
        if schema is None:
            return
        errors = sorted(
            self.validator(schema).iter_errors(response.json()), key=lambda error: list(error.path)
        )
        assert not errors, f"{where} with a body that does not match /openapi.json: " + "; ".join(
            f"{'/'.join(map(str, error.absolute_path)) or 'the body'}: {error.message}"
            for error in errors[:5]
        )


AsyncHook = Callable[[httpx.Response], Awaitable[None]]
# Every app and server of a run has the same document (no setting changes a schema), and building it takes a second
# or so: it is made once per test process, from the first app or server a client is made for.
_DOCUMENT: list[Document] = []


def _the_document(build: Callable[[], dict[str, Any]]) -> Document:
    if not _DOCUMENT:
        _DOCUMENT.append(Document(build()))
    return _DOCUMENT[0]


def _served(url: str) -> Callable[[], dict[str, Any]]:
    return lambda: httpx.get(f"{url}/openapi.json", timeout=30).raise_for_status().json()  # type: ignore[no-any-return]


def checking(app: FastAPI) -> AsyncHook:
    """The response hook of a client of ``app``: each answer held to ``app.openapi()``."""

    async def check(response: httpx.Response) -> None:
        await response.aread()
        _the_document(app.openapi).check(response)

    return check


def checking_server(url: str) -> AsyncHook:
    """The response hook of a client of a running server: each answer held to the /openapi.json it serves."""

    async def check(response: httpx.Response) -> None:
        await response.aread()
        if not _DOCUMENT:  # fetched without blocking: the server may be serving on this very event loop
            async with httpx.AsyncClient(timeout=30) as client:
                _DOCUMENT.append(
                    Document((await client.get(f"{url}/openapi.json")).raise_for_status().json())
                )
        _DOCUMENT[0].check(response)

    return check


def checking_server_sync(url: str) -> Callable[[httpx.Response], None]:
    """``checking_server`` for a client that is not async (the browser tests')."""

    def check(response: httpx.Response) -> None:
        response.read()
        _the_document(_served(url)).check(response)

    return check


def app_client(app: FastAPI, base_url: str = "http://testserver", **options: Any) -> httpx.AsyncClient:
    """A client of the app in this process (no server), whose every answer is checked against its schema."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=base_url,
        event_hooks={"response": [checking(app)]},
        **options,
    )


def server_client(url: str, **options: Any) -> httpx.AsyncClient:
    """A client of a running `schoolchat serve`, whose every answer is checked against the schema it serves."""
    return httpx.AsyncClient(base_url=url, event_hooks={"response": [checking_server(url)]}, **options)
