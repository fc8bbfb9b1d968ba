"""Log in (session cookie or bearer token) and log out."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response

from schoolchat.auth import actions
from schoolchat.auth.deps import SESSION_COOKIE, CurrentActor
from schoolchat.auth.schemas import BearerTokenOut, Credentials, SessionOut
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", response_model=SessionOut, summary="Log in with a session cookie (browsers)")
async def login(body: Credentials, response: Response, services: ServicesDep) -> SessionOut:
    lifetime = timedelta(days=services.settings.session_days)
    issued = await actions.issue_token(services.db, services.settings.secret_key, body.username, body.password,
                                       kind="session", lifetime=lifetime)
    response.set_cookie(SESSION_COOKIE, issued.token, max_age=int(lifetime.total_seconds()), httponly=True,
                        samesite="lax", secure=services.settings.cookie_secure, path="/")
    assert issued.csrf_token is not None
    return SessionOut(user_id=issued.user_id, csrf_token=issued.csrf_token)


@router.post("/tokens", response_model=BearerTokenOut, status_code=201, summary="Get a bearer token (API clients)")
async def create_token(body: Credentials, services: ServicesDep) -> BearerTokenOut:
    issued = await actions.issue_token(services.db, services.settings.secret_key, body.username, body.password,
                                       kind="bearer", lifetime=timedelta(days=services.settings.session_days))
    return BearerTokenOut(access_token=issued.token, user_id=issued.user_id)


@router.post("/logout", status_code=204, summary="Revoke the credential this request used")
async def logout(actor: CurrentActor, response: Response, services: ServicesDep) -> Response:
    assert actor.token_id is not None
    await actions.revoke(services.db, services.bus, actor.token_id)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.status_code = 204
    return response
