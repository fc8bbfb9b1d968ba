"""Reading back what ``create_app`` keeps on ``app.state`` for the requests (the services, the hub, the limiter …).

Starlette's ``State`` holds untyped attributes; each is read here with its type checked, so a route gets the
object it declares or a clear error at the first request, not an ``AttributeError`` deep inside an action.
"""

from __future__ import annotations

from typing import TypeVar

from starlette.requests import HTTPConnection

T = TypeVar("T")


def state_of(conn: HTTPConnection, name: str, kind: type[T]) -> T:
    found = getattr(conn.app.state, name, None)
    if not isinstance(found, kind):
        raise TypeError(
            f"app.state.{name} is {type(found).__name__}, not {kind.__name__}: create_app sets it"
        )
    return found
