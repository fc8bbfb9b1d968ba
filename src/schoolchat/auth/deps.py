"""FastAPI dependencies that authenticate a request (cookie or bearer token) and enforce CSRF on cookie writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from schoolchat.appstate import state_of
from schoolchat.auth import texts as auth_texts
from schoolchat.auth.actor import Actor
from schoolchat.auth.cache import cache_for
from schoolchat.auth.queries import authenticate, csrf_matches
from schoolchat.errors import ApiError
from schoolchat.i18n.context import set_reader_language
from schoolchat.i18n.languages import Language, effective
from schoolchat.logs import note_user
from schoolchat.policy.decision import require
from schoolchat.policy.messaging import may_use_messaging
from schoolchat.ratelimit.limiter import Limiter
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import services_of

SESSION_COOKIE = "schoolchat_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# In the ASGI scope: who this request was authenticated as. The body guard authenticates a request with a body
# before reading it, and the route's dependency then finds the answer here (and does not count it twice).
AUTHENTICATED = "schoolchat.actor"


def presented_token(request: Request) -> tuple[str, bool] | None:
    """The raw token and whether it came from the session cookie; a bearer header wins over a cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else None


async def current_actor(request: Request) -> Actor:
    """The signed-in caller. Every write request they make is counted once against ``Rule.CHANGES``, so that each
    thing a person can do has a rate, also where no rule of its own kind applies (edits, renames, read cursors)."""
    known: Actor | None = request.scope.get(AUTHENTICATED)
    if known is not None:
        return known
    services = services_of(request)
    presented = presented_token(request)
    if presented is None:
        raise ApiError(401, "unauthenticated", auth_texts.please_log_in())
    token, via_cookie = presented
    found = await authenticate(
        services.db, services.settings.secret_key, token, via_cookie=via_cookie, cache=cache_for(services)
    )
    if found is None:
        raise ApiError(401, "unauthenticated", auth_texts.session_ended())
    if (
        via_cookie
        and request.method not in SAFE_METHODS
        and not csrf_matches(found.csrf_token, request.headers.get(CSRF_HEADER))
    ):
        raise ApiError(403, "csrf_failed", auth_texts.csrf_missing(CSRF_HEADER))
    note_user(request.scope, found.actor.id)
    set_reader_language(language_of(found.actor, request.headers.get("accept-language")))
    if request.method not in SAFE_METHODS:
        await state_of(request, "limiter", Limiter).hit(Rule.CHANGES, found.actor.id)
    request.scope[AUTHENTICATED] = found.actor
    return found.actor


def language_of(actor: Actor, accept_language: str | None) -> Language:
    """The signed-in person's language: their setting, their school's, their browser's, or English."""
    return effective(actor.language_setting, actor.school_language, accept_language)


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def messaging_actor(request: Request) -> Actor:
    """The caller, when messaging is enabled for them (§6.4): a disabled user neither sends nor receives.

    Calls ``current_actor`` itself rather than through ``Depends``: each dependency costs FastAPI some
    microseconds of solving on every request."""
    actor = await current_actor(request)
    require(may_use_messaging(actor.messaging_disabled))
    return actor


MessagingActor = Annotated[Actor, Depends(messaging_actor)]
