"""Why a launch is refused: an ``ApiError`` whose sentence is shown on a page in the platform's frame (or in the one
error shape to a caller that asks for JSON)."""

from __future__ import annotations

from typing import Any

from schoolchat.errors import ApiError
from schoolchat.lti import texts


class LaunchRefused(ApiError):
    """``audited``: the refusal concerns what a verified platform really sent (a deployment, a person or a course
    schoolchat does not know), so its admins see it in the audit log; anything anyone could forge is only logged."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        audited: bool = False,
    ) -> None:
        super().__init__(status, code, message, details)
        self.audited = audited


def invalid_claim(claim: str, *, audited: bool = False) -> LaunchRefused:
    return LaunchRefused(401, "invalid_launch", texts.invalid_claim(claim), {"claim": claim}, audited=audited)


def incomplete(field: str) -> LaunchRefused:
    return LaunchRefused(400, "incomplete_login", texts.incomplete_login(field), {"field": field})
