"""The OpenAPI document tells the truth about what each operation takes and answers, so that a client generated
from it (the UI's types, web/ui/schema.ts) parses every answer, and property-based tests
(tests/test_schemathesis.py) know where a bearer token or the session cookie is needed.

Two things are added once, here, from the routes' own facts, when the document is first built:
- **Credentials.** The routes authenticate through ``auth.deps.current_actor`` (or ``messaging_actor``, which
  calls it directly to save a dependency per request), which reads the header and the cookie itself. Declaring
  FastAPI ``Security`` dependencies instead would add work to every request.
- **Errors.** Every error is answered in the one shape, ``errors.ErrorOut``, whoever raises it (a route, a
  dependency, the validation of the input, ``bodies.BodyGuard``); FastAPI would document a 422 as its own
  ``{"detail": …}``. Each operation lists the statuses it can answer with, by what it is: authenticated (401,
  403), a write (409, and 429: every write has a rate), rated (429), naming an object (404: by its path, or by an
  id in its input), taking input (422) or a body (413; 415 for a body other than JSON, such as a file), and
  under the API at all (503: the process had no database connection free for the pool's whole wait). A status
  only a few routes answer with (a 410 for an expired link) is declared by the route,
  ``responses={410: {"description": …}}``, and given the one shape here (unless it names its own content, as the
  pages a browser is sent to are HTML).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from schoolchat.auth.deps import CSRF_HEADER, SESSION_COOKIE, current_actor, messaging_actor
from schoolchat.bodies import PUBLIC_PATHS
from schoolchat.errors import ErrorOut

AUTHENTICATING: frozenset[Callable[..., Any]] = frozenset({current_actor, messaging_actor})
RATES_MODULE = "schoolchat.ratelimit.deps"  # where the dependencies that count a rule live
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /api/auth/tokens, as `Authorization: Bearer <token>`.",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": f"The cookie POST /api/auth/login sets; writes also send `{CSRF_HEADER}`.",
    },
}
EITHER: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]
WRITES = frozenset({"post", "put", "patch", "delete"})
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
ERRORS = {
    401: "Not logged in: no credential, or an expired, revoked or wrong one (`unauthenticated`).",
    403: "Not allowed: the caller's role or the rules forbid it, or a cookie write came without its CSRF token.",
    404: "Not found, or not the caller's to see (the two are never told apart).",
    409: "Conflicts with the current state (a closed conversation, a deleted message, …).",
    413: "The body is larger than the limit (`body_too_large`, `file_too_large`).",
    415: "The file's type is not one that is accepted (`unsupported_file`).",
    422: "Bad input (`invalid_request`, with `details.fields` naming each field), or a rule refused it.",
    429: "Over a rate (`rate_limited`): the `Retry-After` header and `details.retry_after` say how many seconds "
    "to wait.",
    503: "Busy (`busy`): every database connection of the process stayed in use for the pool's whole wait; the "
    "`Retry-After` header says how many seconds to wait.",
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
}
# FastAPI's own description of a 422, which the server never sends (errors.py answers in the one shape).
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _calls(dependant: Dependant) -> Iterable[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _calls(dep)


def _authenticates(dependant: Dependant) -> bool:
    return any(call in AUTHENTICATING for call in _calls(dependant))


def _rated(dependant: Dependant) -> bool:
    return any(getattr(call, "__module__", None) == RATES_MODULE for call in _calls(dependant))


def error_statuses(
    path: str, method: str, operation: dict[str, Any], authenticated: bool, rated: bool
) -> list[int]:
    """The error statuses an operation can answer with (see the module's docstring)."""
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    write = method in WRITES and path.startswith("/api/")
    statuses = set()
    if authenticated or path in PUBLIC_PATHS:  # those two take the credential in their body
        statuses |= {401, 403}
    if write or rated:
        statuses.add(429)
    if write and authenticated:
        statuses.add(409)
    if any(parameter.get("in") == "path" for parameter in parameters) or (
        authenticated and (parameters or body)
    ):
        statuses.add(404)  # an object named by its id, in the path, a query or the body
    if parameters or body or "422" in operation.get("responses", {}):  # FastAPI's: it validates something
        statuses.add(422)
    if path.startswith("/api/"):
        statuses.add(503)
    if body:
        statuses.add(413)
        if set(body.get("content", {})) - {"application/json"}:
            statuses.add(415)
    return sorted(statuses)


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERRORS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status in (429, 503):
        response["headers"] = RETRY_AFTER
    return response


def _add_error_schemas(schema: dict[str, Any]) -> None:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    shapes = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, shape in {**shapes.pop("$defs", {}), "ErrorOut": shapes}.items():
        if schemas.setdefault(name, shape) != shape:  # another model of the same name would be overwritten
            raise ValueError(f"Two schemas are named {name}: rename one")


def complete_document(app: FastAPI) -> None:
    """Add the security schemes, each authenticated operation's requirement, and every operation's error answers
    to ``app.openapi()``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        _add_error_schemas(schema)
        for route in iter_route_contexts(
            app.routes
        ):  # the routes of included routers too, with their prefixes
            original = route.original_route
            path = route.path_format
            if not (isinstance(original, APIRoute) and original.include_in_schema and path is not None):
                continue
            authenticated, rated = _authenticates(original.dependant), _rated(original.dependant)
            for method in route.methods or ():
                operation = schema["paths"][path][method.lower()]
                if authenticated:
                    operation["security"] = EITHER
                responses = operation.setdefault("responses", {})
                for status in error_statuses(path, method.lower(), operation, authenticated, rated):
                    declared = {} if status == 422 else responses.get(str(status), {})  # FastAPI's 422 goes
                    responses[str(status)] = {**_error_response(status), **declared}
                for status, response in responses.items():  # what a route declares of its own, e.g. a 410
                    if status.startswith(
                        "4"
                    ):  # in the one shape, unless it says otherwise (a page for a browser)
                        response.setdefault("content", {"application/json": {"schema": ERROR_REF}})
                        if status == "429":
                            response.setdefault("headers", RETRY_AFTER)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
