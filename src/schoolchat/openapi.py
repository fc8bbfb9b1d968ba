"""The OpenAPI document says which credentials each operation takes, so clients and property-based tests
(tests/test_schemathesis.py) know where a bearer token or the session cookie is needed.

The routes authenticate through ``auth.deps.current_actor`` (or ``messaging_actor``, which calls it directly to save
a dependency per request), which reads the header and the cookie itself. Declaring FastAPI ``Security``
dependencies instead would add work to every request; the declaration is made once, here, from the routes'
dependencies, when the document is first built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from schoolchat.auth.deps import CSRF_HEADER, SESSION_COOKIE, current_actor, messaging_actor

AUTHENTICATING: frozenset[Callable[..., Any]] = frozenset({current_actor, messaging_actor})
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "A token from POST /api/auth/tokens, as `Authorization: Bearer <token>`."},
    "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                "description": f"The cookie POST /api/auth/login sets; writes also send `{CSRF_HEADER}`."},
}
EITHER = [{"bearer": []}, {"session": []}]


def _authenticates(dependant: Dependant) -> bool:
    return any(dep.call in AUTHENTICATING or _authenticates(dep) for dep in dependant.dependencies)


def declare_credentials(app: FastAPI) -> None:
    """Add the security schemes, and each authenticated operation's requirement, to ``app.openapi()``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for route in iter_route_contexts(app.routes):  # the routes of included routers too, with their prefixes
            original = route.original_route
            if isinstance(original, APIRoute) and original.include_in_schema and _authenticates(original.dependant):
                for method in route.methods or ():
                    schema["paths"][route.path_format][method.lower()]["security"] = EITHER
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
