"""Routing: the app includes its routers most called first (app.py), which is only safe while no route hides
another; a request is answered by the first route that matches it."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.routing import compile_path


def test_every_route_is_the_first_to_match_its_own_path(app: FastAPI) -> None:
    routes = [
        (path, method.upper(), compile_path(path)[0])
        for path, item in app.openapi()["paths"].items()
        for method in item
    ]  # in matching order
    hidden = []
    for path, method, _ in routes:
        sample = re.sub(r"\{[^}]+\}", "1", path)
        first = next(
            other
            for other, other_method, regex in routes
            if other_method == method and regex.fullmatch(sample)
        )
        if first != path:
            hidden.append(f"{method} {path} is answered by {first}")
    assert hidden == []
