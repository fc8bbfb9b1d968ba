"""The launch of schoolchat from a learning platform (Security Framework §5.1.1: OIDC third-party initiated login,
then the platform's form_post of a signed id_token).

1. The platform's login initiation names its issuer (and client id, deployment). We remember a ``state`` and a
   ``nonce`` for it, bind the state to the browser with a cookie, and send the browser to the platform's auth URL.
2. The platform posts back an id_token signed with its keys and our state. We take the state once (a replay finds
   it used), check the signature against the platform's JWKS and the claims (``claims.check``), find the person and
   the course the roster knows, and sign the person in. Nothing ever creates an account.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from joserfc import jws, jwt
from joserfc.errors import JoseError

from schoolchat.auth.actions import IssuedToken
from schoolchat.lti import actions, claims, queries, texts
from schoolchat.lti.platform_keys import platform_keys
from schoolchat.lti.refusals import LaunchRefused
from schoolchat.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginRequest:
    iss: str
    login_hint: str
    target_link_uri: str
    lti_message_hint: str | None = None
    client_id: str | None = None
    lti_deployment_id: str | None = None


@dataclass(frozen=True)
class Landing:
    session: IssuedToken
    conversation_id: int | None  # the course's conversation, when launched from a course that has one


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


async def initiate(services: Services, login: LoginRequest, launch_url: str) -> tuple[str, str]:
    """Answers the platform's auth URL to send the browser to, and the state to bind to it."""
    if _origin(login.target_link_uri) != _origin(launch_url):  # never an open redirect
        raise LaunchRefused(
            400, "foreign_target_link_uri", texts.foreign_target(), {"target_link_uri": login.target_link_uri}
        )
    async with services.db.read() as conn:
        registration = await queries.registration_for_login(conn, login.iss, login.client_id)
    if login.lti_deployment_id is not None and login.lti_deployment_id not in registration.deployment_ids:
        raise LaunchRefused(
            403, "unknown_deployment", texts.unknown_deployment(), {"deployment_id": login.lti_deployment_id}
        )
    state, nonce = await actions.begin_launch(services, registration)
    query: dict[str, str] = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": launch_url,
        "login_hint": login.login_hint,
        "state": state,
        "nonce": nonce,
    }
    if login.lti_message_hint is not None:
        query["lti_message_hint"] = login.lti_message_hint
    separator = "&" if "?" in registration.auth_login_url else "?"
    return f"{registration.auth_login_url}{separator}{urlencode(query)}", state


async def _verified_claims(
    services: Services, registration: claims.Registration, id_token: str
) -> dict[str, Any]:
    """The id_token's claims once its RS256 signature checks out against a key the platform publishes."""
    bad = LaunchRefused(401, "bad_signature", texts.bad_signature())
    try:
        header = jws.extract_compact(id_token.encode()).headers()
    except (JoseError, ValueError) as exc:
        raise bad from exc
    kid = header.get("kid")
    if header.get("alg") != "RS256" or not isinstance(kid, str) or not kid:
        raise bad
    keys = await platform_keys.key_set(
        registration.jwks_url, kid, min_refresh_seconds=services.settings.lti_jwks_min_refresh_seconds
    )
    try:
        token = jwt.decode(id_token, keys, algorithms=["RS256"])
    except (JoseError, ValueError) as exc:
        raise bad from exc
    return dict(token.claims)


async def complete(services: Services, id_token: str, state: str, state_cookie: str | None) -> Landing:
    if not state_cookie:
        raise LaunchRefused(400, "launch_cookie_missing", texts.cookie_missing())
    if not hmac.compare_digest(state_cookie.encode(), state.encode()):
        raise LaunchRefused(400, "launch_state_mismatch", texts.launch_expired())
    platform_id, nonce = await actions.use_state(services, state)
    async with services.db.read() as conn:
        registration = await queries.registration(conn, platform_id)
    if registration is None:  # removed since the login initiation
        raise LaunchRefused(400, "unknown_platform", texts.unknown_platform())
    verified = await _verified_claims(services, registration, id_token)
    try:
        launch = claims.check(verified, registration, nonce, time.time())
        async with services.db.read() as conn:
            person = await queries.person_for(conn, registration, launch.person_id)
            if person is None:
                raise LaunchRefused(
                    403,
                    "unknown_person",
                    texts.unknown_person(),
                    {"sub": launch.sub, "roster_id": launch.person_id},
                    audited=True,
                )
            conversation = None
            if launch.in_course:
                course = await queries.course_for(conn, registration, launch.course_ids)
                if course is None:
                    raise LaunchRefused(
                        403,
                        "unknown_course",
                        texts.unknown_course(),
                        {"roster_ids": list(launch.course_ids)},
                        audited=True,
                    )
                conversation = await queries.course_conversation(conn, person, course)
    except LaunchRefused as refusal:
        if refusal.audited:
            await actions.record_refusal(services, registration, refusal)
        raise
    return Landing(await actions.sign_in(services, person), conversation)


def log_refusal(refusal: LaunchRefused) -> None:
    """Refusals the audit log does not keep (anyone could have sent them) go to the service's log."""
    if not refusal.audited:
        log.warning("LTI launch refused: %s %s", refusal.code, refusal.details)
