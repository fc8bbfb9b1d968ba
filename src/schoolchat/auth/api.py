"""Log in (session cookie or bearer token) and log out."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from schoolchat.auth import actions
from schoolchat.auth import texts as auth_texts
from schoolchat.auth.actor import Actor
from schoolchat.auth.cache import cache_for
from schoolchat.auth.deps import SESSION_COOKIE, CurrentActor
from schoolchat.auth.queries import authenticate
from schoolchat.auth.schemas import BearerTokenOut, Credentials, SessionOut
from schoolchat.config import Settings
from schoolchat.errors import ApiError
from schoolchat.ratelimit.deps import limiter_of, password_attempt
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import Services, ServicesDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


async def _issue(request: Request, services: Services, body: Credentials, kind: str) -> actions.IssuedToken:
    """Check the password, within the login limits (ratelimit.deps.password_attempt)."""
    async with password_attempt(request, services.settings, body.username):
        if kind == "bearer":
            await limiter_of(request).hit(Rule.TOKEN_CREATION, body.username.casefold())
        return await actions.issue_token(
            services.db,
            services.settings.secret_key,
            body.username,
            body.password,
            kind=kind,
            lifetime=timedelta(days=services.settings.session_days),
            hash_concurrency=services.settings.password_hash_concurrency,
        )


@router.post("/login", response_model=SessionOut, summary="Log in with a session cookie (browsers)")
async def login(body: Credentials, request: Request, response: Response, services: ServicesDep) -> SessionOut:
    issued = await _issue(request, services, body, "session")
    set_session_cookie(response, services.settings, issued.token)
    assert issued.csrf_token is not None
    return SessionOut(user_id=issued.user_id, csrf_token=issued.csrf_token)


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """The one session cookie, whichever way the person logged in (password or single sign-on)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


@router.get(
    "/session",
    response_model=SessionOut,
    responses={401: {"description": "No session cookie, or not a valid one (`unauthenticated`)."}},
    summary="The CSRF token of the session cookie (a browser signed in by its identity provider has "
    "had no login answer to read it from)",
)
async def session(request: Request, services: ServicesDep) -> SessionOut:
    token = request.cookies.get(SESSION_COOKIE)
    found = token and await authenticate(
        services.db, services.settings.secret_key, token, via_cookie=True, cache=cache_for(services)
    )
    if not found or found.csrf_token is None:
        raise ApiError(401, "unauthenticated", auth_texts.please_log_in())
    return SessionOut(user_id=found.actor.id, csrf_token=found.csrf_token)


@router.post(
    "/tokens", response_model=BearerTokenOut, status_code=201, summary="Get a bearer token (API clients)"
)
async def create_token(body: Credentials, request: Request, services: ServicesDep) -> BearerTokenOut:
    issued = await _issue(request, services, body, "bearer")
    return BearerTokenOut(access_token=issued.token, user_id=issued.user_id)


@router.post("/logout", status_code=204, summary="Revoke the credential this request used")
async def logout(actor: CurrentActor, response: Response, services: ServicesDep) -> Response:
    await end_session(actor, response, services)
    response.status_code = 204
    return response


async def end_session(actor: Actor, response: Response, services: Services) -> None:
    """Revoke the credential the request used and drop the session cookie."""
    assert actor.token_id is not None
    await actions.revoke(services.db, actor.token_id)
    response.delete_cookie(SESSION_COOKIE, path="/")
