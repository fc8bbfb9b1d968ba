"""Where the rules meet HTTP: the caller's address, a dependency per person-counted rule, and the guard around a
password check."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from schoolchat.appstate import state_of
from schoolchat.auth.actor import Actor
from schoolchat.auth.deps import current_actor, messaging_actor
from schoolchat.config import Settings
from schoolchat.errors import ApiError
from schoolchat.ratelimit.limiter import Limiter
from schoolchat.ratelimit.rules import Rule


def limiter_of(conn: HTTPConnection) -> Limiter:
    return state_of(conn, "limiter", Limiter)


def client_address(conn: HTTPConnection, settings: Settings) -> str:
    """The socket's peer, or, behind a trusted proxy (``client_address_header``), the last address that header
    names: the one the proxy itself added, which a client cannot forge."""
    if settings.client_address_header:
        forwarded = conn.headers.get(settings.client_address_header, "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return conn.client.host if conn.client else "unknown"


def per_person(rule: Rule) -> Any:
    """A route dependency counting one use of ``rule`` by the (messaging) caller: ``dependencies=[per_person(…)]``.
    The caller is resolved once per request: FastAPI shares ``messaging_actor`` with the route's own parameter."""
    return _counting(rule, messaging_actor)


def per_account(rule: Rule) -> Any:
    """Like ``per_person``, for what a person may do with messaging disabled too (their own settings)."""
    return _counting(rule, current_actor)


def _counting(rule: Rule, caller: Callable[[Request], Awaitable[Actor]]) -> Any:
    # The dependency as a default, not in ``Annotated``: postponed annotations cannot name a local.
    async def counted(request: Request, actor: Actor = Depends(caller)) -> None:  # noqa: B008
        await limiter_of(request).hit(rule, actor.id)

    counted.__name__ = f"rate_{rule.value}"
    return Depends(counted)


@asynccontextmanager
async def password_attempt(request: Request, settings: Settings, username: str) -> AsyncIterator[None]:
    """Around a password check: refused (429) while the username or the address has used up its failures, which
    are counted in several windows at once, so that the wait grows with them (a minute, then a quarter of an hour,
    then an hour with the defaults). A success clears the username's failures. The check runs before the password
    is hashed, so a refused guess costs no hashing."""
    limiter = limiter_of(request)
    user_key, address = username.casefold(), client_address(request, settings)
    await limiter.check(Rule.LOGIN_FAILURES_PER_ADDRESS, address)
    await limiter.check(Rule.LOGIN_FAILURES_PER_USERNAME, user_key)
    try:
        yield
    except ApiError as exc:
        if exc.status == 401:
            await limiter.record(Rule.LOGIN_FAILURES_PER_ADDRESS, address)
            await limiter.record(Rule.LOGIN_FAILURES_PER_USERNAME, user_key)
        raise
    await limiter.clear(Rule.LOGIN_FAILURES_PER_USERNAME, user_key)


async def metered(
    request: Request, rule: Rule, key: str | int, chunks: AsyncIterable[bytes]
) -> AsyncIterator[bytes]:
    """``chunks``, counted in bytes against ``rule``: refused (429) before the first byte when nothing is left,
    and as soon as the stream passes what is left; the whole size is counted once the stream has ended."""
    limiter = limiter_of(request)
    left = await limiter.remaining(rule, key)
    if left == 0:
        raise await limiter.refuse(rule, key)

    async def counted() -> AsyncIterator[bytes]:
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if left is not None and size > left:
                raise await limiter.refuse(rule, key)
            yield chunk
        await limiter.hit(rule, key, cost=size)

    return counted()
