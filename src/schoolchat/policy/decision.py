"""The two answers every policy gives, and the bridge from a denial to the API's error shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schoolchat.errors import ApiError


@dataclass(frozen=True, slots=True)
class Allowed:
    pass


@dataclass(frozen=True, slots=True)
class Denied:
    code: str
    message: str
    status: int = 403
    details: dict[str, Any] = field(default_factory=dict)

    def error(self) -> ApiError:
        return ApiError(self.status, self.code, self.message, self.details)


Decision = Allowed | Denied
ALLOWED = Allowed()


def require(decision: Decision) -> None:
    """Raise the denial as an API error; do nothing when allowed."""
    if isinstance(decision, Denied):
        raise decision.error()
