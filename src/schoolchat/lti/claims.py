"""What a verified id_token must say to be a launch of schoolchat (LTI Core 1.3 §5.3, Security Framework §5.1.3).

Pure: takes the token's claims (its signature already checked), the registration and the nonce this launch's state
expects, and answers the launch's facts or raises ``LaunchRefused``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schoolchat.lti import texts
from schoolchat.lti.refusals import LaunchRefused, invalid_claim

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
RESOURCE_LINK = LTI + "resource_link"
CONTEXT = LTI + "context"
LIS = LTI + "lis"
LEEWAY_SECONDS = 60  # clock difference tolerated between the platform and schoolchat
MAX_AGE_SECONDS = 600  # an id_token issued longer ago than this is refused whatever its exp says


@dataclass(frozen=True)
class Registration:
    id: int
    org_id: int
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    jwks_url: str
    auth_login_url: str
    id_source: str


@dataclass(frozen=True)
class Launch:
    """Who launched from which course, in the ids the roster knows them by (``id_source`` of the registration)."""

    person_id: str
    course_ids: tuple[str, ...]  # the course's ids of that source, best first (none outside a course)
    in_course: bool
    deployment_id: str
    sub: str


def _text(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) and value else None


def _object(claims: dict[str, Any], name: str) -> dict[str, Any]:
    value = claims.get(name)
    return value if isinstance(value, dict) else {}


def _number(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_claim(name)
    return float(value)


def check(claims: dict[str, Any], registration: Registration, nonce: str, now: float) -> Launch:
    if claims.get("iss") != registration.issuer:
        raise invalid_claim("iss")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    if registration.client_id not in audiences:
        raise invalid_claim("aud")
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != registration.client_id:
        raise invalid_claim("azp")
    if _number(claims, "exp") + LEEWAY_SECONDS <= now:
        raise LaunchRefused(401, "token_expired", texts.token_expired())
    issued = _number(claims, "iat")
    if issued - LEEWAY_SECONDS > now or issued + MAX_AGE_SECONDS < now:
        raise invalid_claim("iat")
    if claims.get("nonce") != nonce:
        raise invalid_claim("nonce")
    deployment = _text(claims, DEPLOYMENT_ID)
    if deployment not in registration.deployment_ids:
        raise LaunchRefused(
            403, "unknown_deployment", texts.unknown_deployment(), {"deployment_id": deployment}, audited=True
        )
    if claims.get(MESSAGE_TYPE) != "LtiResourceLinkRequest":
        raise LaunchRefused(
            400,
            "unsupported_message_type",
            texts.unsupported_message(),
            {"message_type": claims.get(MESSAGE_TYPE)},
            audited=True,
        )
    if claims.get(VERSION) != "1.3.0":
        raise invalid_claim("version", audited=True)
    link = claims.get(RESOURCE_LINK)
    if not isinstance(link, dict) or not _text(link, "id"):
        raise invalid_claim("resource_link")
    sub = _text(claims, "sub")
    if sub is None:  # an anonymous launch: nobody to sign in
        raise LaunchRefused(403, "unknown_person", texts.unknown_person(), {"sub": None}, audited=True)
    context, lis = _object(claims, CONTEXT), _object(claims, LIS)
    courses: tuple[str | None, ...]
    if registration.id_source == "lis":
        # a OneRoster class is a course section; platforms that know only the course's SIS id send the offering's
        person, courses = (
            _text(lis, "person_sourcedid"),
            (_text(lis, "course_section_sourcedid"), _text(lis, "course_offering_sourcedid")),
        )
        if person is None:
            raise LaunchRefused(403, "unknown_person", texts.unknown_person(), {"sub": sub}, audited=True)
    else:
        person, courses = sub, (_text(context, "id"),)
    return Launch(
        person_id=person,
        course_ids=tuple(course for course in courses if course),
        in_course=bool(context),
        deployment_id=deployment,
        sub=sub,
    )
