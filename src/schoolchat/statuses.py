"""The success statuses, one rule for every route (docs/api.md, "Statuses"):

- 201 Created: the request made the new thing it answers with (a conversation, a message, a report, a token…);
- 202 Accepted: the request started work that goes on in the background; the answer is the job to follow;
- 200 OK: every other answer with a body: reads, changes, and a request that made nothing new — a retry with
  the same ``client_message_id`` (answered with the original, ``duplicate: true``), or a 1:1 that already existed
  (``created: false``);
- 204 No Content: done, with nothing to say.

A route that can make nothing new declares ``responses=nothing_new(Model)`` beside its ``status_code``, so that
the OpenAPI document lists the 200 too, and sets the status with ``new_or_not``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel

NOTHING_NEW = (
    "Nothing new was made: a retry with the same `client_message_id` is answered with the original "
    "(`duplicate: true`), a conversation that already existed with itself (`created: false`)."
)


def nothing_new(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route whose ``status_code`` (201 or 202) is answered only when it made something."""
    return {200: {"model": model, "description": NOTHING_NEW}}


def new_or_not(response: Response, new: bool, status: int = 201) -> None:
    """``status`` when the request made something new, else 200."""
    response.status_code = status if new else 200
