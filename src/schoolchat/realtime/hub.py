"""The SignalR hub at ``/hubs/messages``: negotiate, the WebSockets transport, and the hub's methods.

Server -> client: every event the caller may see, as ``event(<event>)`` (see ``Event.to_wire``).
Client -> server: ``GetEventsSince(lastEventId)`` answers ``{events, latest_id, more, reload}`` like
``GET /api/events``. A client calls it after every (re)connect with the last id it processed, and drops ids it
has already seen: live events and the answer can overlap, but together they miss nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schoolchat.appstate import state_of
from schoolchat.auth import texts as auth_texts
from schoolchat.auth.deps import language_of
from schoolchat.errors import ApiError, error_body
from schoolchat.i18n.catalog import text
from schoolchat.i18n.context import reading_in, set_reader_language
from schoolchat.ratelimit import texts as limit_texts
from schoolchat.ratelimit.limiter import Limiter
from schoolchat.ratelimit.rules import Rule
from schoolchat.realtime import log
from schoolchat.realtime.access import credential_expiry, hub_actor, origin_allowed
from schoolchat.realtime.connections import (
    CLIENT_CLOSED,
    SLOW_CONSUMER,
    CloseReason,
    Connection,
    Registry,
)
from schoolchat.realtime.membership import Membership
from schoolchat.realtime.schemas import NegotiateOut, events_page
from schoolchat.realtime.signalr import protocol
from schoolchat.realtime.signalr.negotiate import connection_id_of, negotiate_response, negotiate_version
from schoolchat.realtime.transport import TakeOver, take_over_of
from schoolchat.services import Services

logger = logging.getLogger(__name__)

PATH = "/hubs/messages"
RESYNC_PAGE = 500
MAX_EVENT_ID = 2**63 - 1  # the largest id the event log's column holds
TOO_LARGE = CloseReason(lambda: text("realtime.message_too_large"), False, 1009)
HANDSHAKE_FAILED = CloseReason(None, False, 1002)  # after the handshake's own error answer
# The server is stopping: 1012 and no Close message, as uvicorn closes the sockets it serves, which every client
# takes for a dropped connection and reconnects (pysignalr takes a Close message as final, whatever it says).
SERVER_STOPPING = CloseReason(None, True, 1012)

HubMethod = Callable[["Hub", int, list[Any]], Awaitable[Any]]  # (the hub, caller's user id, arguments)


def _event_id(arguments: list[Any]) -> int:
    """GetEventsSince's one argument: a whole number up to MAX_EVENT_ID (JSON has no integer type, so 5.0 is 5;
    a negative id means none). Infinity, NaN, 1e400 and anything else are refused."""
    value = arguments[0] if len(arguments) == 1 else None
    if isinstance(value, float) and value.is_integer():  # False for infinities and NaN
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value > MAX_EVENT_ID:
        raise ValueError(
            "GetEventsSince takes one argument: the last event id you processed (0 for none)."
        )  # i18n-exempt: a client's programmer
    return max(0, value)


async def get_events_since(hub: Hub, user_id: int, arguments: list[Any]) -> dict[str, Any]:
    after = _event_id(arguments)
    async with hub.services.db.read() as conn:
        found = await log.resync(conn, hub.membership, user_id, after, RESYNC_PAGE)
    return events_page(found).model_dump(mode="json", exclude_unset=True)


METHODS: dict[str, HubMethod] = {"GetEventsSince": get_events_since}


class Hub:
    """This process's hub: its connections, fed by the bus."""

    def __init__(
        self,
        services: Services,
        limiter: Limiter,
        membership: Membership,
        on_slow_consumer: Callable[[], None] = lambda: None,
    ) -> None:
        self.services = services
        self.membership = membership
        self.limiter = limiter
        self.on_slow_consumer = on_slow_consumer
        settings = services.settings
        self.registry = Registry(
            services.db,
            membership,
            keepalive_seconds=settings.realtime_keepalive_seconds,
            client_timeout_seconds=settings.realtime_client_timeout_seconds,
            write_timeout_seconds=settings.realtime_write_timeout_seconds,
        )
        self._sockets: Counter[int] = Counter()  # admitted sockets per person, from admission to close
        self._unsubscribe: Callable[[], None] | None = None
        self._finishing: set[asyncio.Task[None]] = (
            set()
        )  # closing sockets' tasks (the loop keeps weak references)

    async def admit(self, user_id: int, *, opening: bool) -> None:
        """429 when the person already holds ``realtime_max_connections_per_user`` sockets in this process, or
        opens them faster than ``rate_hub_connections`` (counted across processes; ``opening`` counts one,
        negotiate only checks)."""
        most = self.services.settings.realtime_max_connections_per_user
        if self._sockets[user_id] >= most:
            self.limiter.note_refusal(Rule.HUB_CONNECTIONS)
            raise ApiError(
                429,
                "too_many_connections",
                limit_texts.too_many_connections(),
                {"limit": str(Rule.HUB_CONNECTIONS), "max": most},
                {"Retry-After": "60"},
            )
        if opening:
            await self.limiter.hit(Rule.HUB_CONNECTIONS, user_id)
        else:
            await self.limiter.check(Rule.HUB_CONNECTIONS, user_id)

    def hold(self, user_id: int) -> None:
        """Count an admitted socket of the person's, until ``release``."""
        self._sockets[user_id] += 1

    def release(self, user_id: int) -> None:
        self._sockets[user_id] -= 1
        if not self._sockets[user_id]:
            del self._sockets[user_id]

    async def start(self) -> None:
        await self.registry.start()
        self._unsubscribe = self.services.bus.subscribe(self.registry.on_events)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.registry.stop()
        await asyncio.gather(*self._finishing, return_exceptions=True)

    def open(self, conn: Connection, take_over: TakeOver) -> None:
        """Take the accepted socket over (realtime/transport.py): from now on its frames arrive as calls to a
        ``Session``, and the ASGI call that admitted it can return, leaving no task behind."""
        session = Session(self, conn)
        conn.socket = take_over(session, 4 * self.services.settings.realtime_max_message_bytes)
        session.timer = asyncio.get_running_loop().call_later(
            self.services.settings.realtime_handshake_timeout_seconds, session.no_handshake
        )

    def end(self, conn: Connection) -> None:
        """``Connection.ended``: close the socket once its tasks have stopped."""
        task = asyncio.create_task(self._finish(conn))
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)

    async def _finish(self, conn: Connection) -> None:
        """Say why (a Close message) when it was not the client that left, then the close frame; the socket resets
        the TCP connection of a client that takes neither within a few seconds (realtime/transport.py)."""
        set_reader_language(conn.language)
        self.registry.remove(conn)
        running = [task for task in (conn.writer, conn.reader) if task is not None]
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        reason = conn.reason or CLIENT_CLOSED
        if reason is SLOW_CONSUMER:
            self.on_slow_consumer()
        if conn.socket is not None:
            if reason.sentence is not None:
                conn.socket.send_text(protocol.close(reason.error, allow_reconnect=reason.allow_reconnect))
            conn.socket.close(reason.code)
        self.release(conn.user_id)

    async def _answer_calls(self, session: Session) -> None:
        """The connection's reader while it has calls to answer: one at a time, in the order they came."""
        conn = session.conn
        set_reader_language(conn.language)  # its answers (GetEventsSince, errors) in the person's language
        try:
            while session.calls and conn.reason is None:
                await self._invoke(conn, session.calls.popleft())
        finally:
            session.calls = None
            conn.reader = None

    async def _invoke(self, conn: Connection, call: protocol.Invocation) -> None:
        reply = await self._answer(conn, call)
        if call.invocation_id is not None and not conn.push(reply):
            conn.stop(SLOW_CONSUMER)

    async def _answer(self, conn: Connection, call: protocol.Invocation) -> str:
        """The Completion for one call. Whatever the call holds, the connection stays: a refused or invalid call
        gets a Completion error (and no traceback in the log)."""
        invocation_id = call.invocation_id or ""
        method = METHODS.get(call.target)
        try:
            await self.limiter.hit(Rule.HUB_INVOCATIONS, conn.id)
            if call.stream:
                raise ValueError(
                    f"'{call.target}' is not a streaming method."
                )  # i18n-exempt: a client's programmer
            if method is None:
                raise ValueError(f"Unknown hub method '{call.target}'.")  # i18n-exempt: a client's programmer
            if call.too_deep:
                raise ValueError(text("realtime.too_deep"))
            return protocol.completion(invocation_id, result=await method(self, conn.user_id, call.arguments))
        except (ValueError, ApiError) as exc:
            return protocol.completion(invocation_id, error=str(exc))
        except Exception:
            logger.exception("hub method %s failed", call.target)
            return protocol.completion(invocation_id, error=text("realtime.call_failed"))


class HubSocket:
    """The WebSocket at ``/hubs/messages``, taken straight from the server just inside ``TransportReset``:
    no routing, request objects or middleware (they all pass WebSockets through, yet each kept a suspended
    frame, a wrapped ``send`` or a scope copy for as long as the socket lived), which matters at thousands of
    idle connections per process. Everything else goes on to ``app``."""

    def __init__(self, app: ASGIApp, hub: Hub) -> None:
        self.app = app
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or scope["path"] != PATH:
            return await self.app(scope, receive, send)
        settings = self.hub.services.settings
        request = HTTPConnection(scope)
        if not origin_allowed(request, settings.allowed_origins):
            return await _deny(scope, send, 403, "foreign_origin", auth_texts.foreign_origin())
        actor = await hub_actor(request, self.hub.services)
        if actor is None:
            return await _deny(scope, send, 401, "unauthenticated", auth_texts.please_log_in())
        connection_id = connection_id_of(settings.secret_key, request.query_params.get("id"))
        if connection_id is None:
            return await _deny(scope, send, 404, "not_found", text("realtime.no_such_connection"))
        try:
            await self.hub.admit(actor.id, opening=True)
        except ApiError as exc:
            return await _deny(scope, send, exc.status, exc.code, exc.message, exc.details, exc.headers)
        take_over = take_over_of(scope)
        if take_over is None:
            logger.error("the hub needs schoolchat's WebSocket protocol: serve it with `schoolchat serve`")
            return await send({"type": "websocket.close", "code": 1011})
        conn = Connection(
            connection_id,
            actor.id,
            actor.token_id,
            settings.realtime_send_queue,
            self.hub.end,
            language=language_of(actor, request.headers.get("accept-language")),
            expires_at=await credential_expiry(self.hub.services, actor.token_id),
        )
        del request, actor  # an idle connection keeps only what it needs
        if (await receive())["type"] != "websocket.connect":
            return
        self.hub.hold(conn.user_id)
        try:
            await send({"type": "websocket.accept"})
        except BaseException:
            self.hub.release(conn.user_id)
            raise
        self.hub.open(conn, take_over)


def _broken(words: str) -> CloseReason:
    """Closing for a record that breaks the protocol, with the protocol's own words (signalr/protocol.py)."""
    return CloseReason(lambda: words, False, 1002)


class Session:
    """One hub socket after the WebSocket handshake, as its socket calls it: the SignalR handshake, then records.

    It keeps the text of a record not yet whole, and the calls not yet answered; a task answers them
    (``Connection.reader``) only while there are some."""

    __slots__ = ("buffer", "calls", "conn", "handshaken", "hub", "timer")

    def __init__(self, hub: Hub, conn: Connection) -> None:
        self.hub = hub
        self.conn = conn
        self.buffer = ""
        self.handshaken = False
        self.timer: asyncio.TimerHandle | None = None  # the handshake's deadline, until it came
        self.calls: deque[protocol.Invocation] | None = None

    def received(self, text: str) -> None:
        conn = self.conn
        if conn.reason is not None:
            return
        conn.last_received = time.monotonic()
        limit = self.hub.services.settings.realtime_max_message_bytes
        if len(text) > limit or len(self.buffer) + len(text) > limit:
            if not self.handshaken:
                return self._refuse("The handshake request is too large.")  # i18n-exempt: the protocol's
            return conn.stop(TOO_LARGE)
        records, self.buffer = protocol.split_records(self.buffer + text)
        if not records:
            return
        if not self.handshaken:
            try:
                protocol.parse_handshake(records.pop(0))
            except protocol.ProtocolError as exc:
                return self._refuse(str(exc))
            self._handshaken()
        for record in records:
            try:
                message = protocol.parse_message(record)
            except protocol.ProtocolError as exc:
                return conn.stop(_broken(str(exc)))
            if message is protocol.MessageType.CLOSE:
                return conn.stop(CLIENT_CLOSED)
            if isinstance(message, protocol.Invocation):
                if self.calls is None:
                    self.calls = deque()
                self.calls.append(message)
                if conn.reader is None:
                    conn.reader = asyncio.create_task(self.hub._answer_calls(self))

    def closed(self) -> None:
        self.conn.stop(CLIENT_CLOSED)

    def shutdown(self) -> None:
        self.conn.stop(SERVER_STOPPING)

    def no_handshake(self) -> None:
        self.timer = None
        if not self.handshaken and self.conn.reason is None:
            with reading_in(self.conn.language):
                self._refuse(text("realtime.no_handshake"))

    def _handshaken(self) -> None:
        self.handshaken = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        assert self.conn.socket is not None
        self.conn.socket.send_text(protocol.handshake_response())
        self.hub.registry.add(self.conn)

    def _refuse(self, error: str) -> None:
        """The handshake's error answer, then 1002: the client never joined."""
        socket = self.conn.socket
        if socket is not None:
            socket.send_text(protocol.handshake_response(error))
        self.conn.stop(HANDSHAKE_FAILED)


async def _deny(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Refuse the upgrade with an HTTP answer in the one error shape where the server can send one, else 403."""
    if "websocket.http.response" in scope.get("extensions", {}):
        answer = JSONResponse(error_body(code, message, details), status_code=status, headers=headers)
        await answer(scope, _receive_nothing, send)
    else:
        await send({"type": "websocket.close", "code": 1008})


async def _receive_nothing() -> Message:
    return {"type": "websocket.disconnect"}


def hub_of(request: Request) -> Hub:
    return state_of(request, "hub", Hub)


router = APIRouter(tags=["realtime"])


@router.post(
    f"{PATH}/negotiate",
    response_model=NegotiateOut,
    summary="SignalR negotiate (versions 0 and 1); WebSockets is the transport",
    responses={
        401: {"description": "No valid credential (the bearer token, `access_token` or the cookie)."},
        403: {"description": "A browser page of a foreign origin (`foreign_origin`)."},
        429: {"description": "Too many hub connections (`rate_limited`)."},
    },
)
async def negotiate(request: Request) -> JSONResponse:
    hub = hub_of(request)
    settings = hub.services.settings
    if not origin_allowed(request, settings.allowed_origins):
        raise ApiError(403, "foreign_origin", auth_texts.foreign_origin())
    actor = await hub_actor(request, hub.services)
    if actor is None:
        raise ApiError(401, "unauthenticated", auth_texts.please_log_in())
    await hub.admit(actor.id, opening=False)
    version = negotiate_version(request.query_params.get("negotiateVersion"))
    return JSONResponse(negotiate_response(settings.secret_key, version))
