"""The SignalR hub at ``/hubs/messages``: negotiate, the WebSockets transport, and the hub's methods.

Server -> client: every event the caller may see, as ``event(<event>)`` (see ``Event.to_wire``).
Client -> server: ``GetEventsSince(lastEventId)`` answers ``{events, latest_id, more, reload}`` like
``GET /api/events``. A client calls it after every (re)connect with the last id it processed, and drops ids it
has already seen: live events and the answer can overlap, but together they miss nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
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
from schoolchat.i18n.context import set_reader_language
from schoolchat.ratelimit import texts as limit_texts
from schoolchat.ratelimit.limiter import Limiter
from schoolchat.ratelimit.rules import Rule
from schoolchat.realtime import log
from schoolchat.realtime.access import credential_expiry, hub_actor, origin_allowed
from schoolchat.realtime.connections import CLIENT_CLOSED, SLOW_CONSUMER, CloseReason, Connection, Registry
from schoolchat.realtime.membership import Membership
from schoolchat.realtime.schemas import NegotiateOut, events_page
from schoolchat.realtime.signalr import protocol
from schoolchat.realtime.signalr.negotiate import connection_id_of, negotiate_response, negotiate_version
from schoolchat.realtime.transport import reset_of
from schoolchat.services import Services

logger = logging.getLogger(__name__)

PATH = "/hubs/messages"
RESYNC_PAGE = 500
MAX_EVENT_ID = 2**63 - 1  # the largest id the event log's column holds
TOO_LARGE = CloseReason(lambda: text("realtime.message_too_large"), False, 1009)

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

    @contextlib.contextmanager
    def holding_socket(self, user_id: int) -> Any:
        self._sockets[user_id] += 1
        try:
            yield
        finally:
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

    async def serve(
        self, receive: Receive, send: Send, conn: Connection, reset: Callable[[], None] | None = None
    ) -> None:
        settings = self.services.settings
        set_reader_language(conn.language)  # its answers (GetEventsSince, errors) in the person's language
        await send({"type": "websocket.accept"})
        try:
            rest = await asyncio.wait_for(
                _handshake(receive, settings.realtime_max_message_bytes),
                settings.realtime_handshake_timeout_seconds,
            )
        except (protocol.ProtocolError, TimeoutError) as exc:
            error = str(exc) if isinstance(exc, protocol.ProtocolError) else text("realtime.no_handshake")
            with contextlib.suppress(Exception):
                await _send_text(send, protocol.handshake_response(error))
                await send({"type": "websocket.close", "code": 1002})
            return
        except _Disconnected:
            return
        await _send_text(send, protocol.handshake_response())
        conn.reader = asyncio.current_task()
        self.registry.add(conn)
        try:
            conn.stop(await self._read(receive, conn, rest))
        except asyncio.CancelledError:
            if conn.reason is None:  # not our own stop: let the cancellation through
                raise
            if conn.reader is not None:
                conn.reader.uncancel()
        except protocol.ProtocolError as exc:
            broken = str(exc)  # the protocol's own words, for the client's programmer (signalr/protocol.py)
            conn.stop(CloseReason(lambda: broken, False, 1002))
        finally:
            self.registry.remove(conn)
            conn.stop(CLIENT_CLOSED)  # cancels a writer still running; keeps an earlier reason
            if conn.writer is not None:
                await asyncio.gather(conn.writer, return_exceptions=True)
            if conn.reason is SLOW_CONSUMER:
                self.on_slow_consumer()
            await _close(send, conn.reason or CLIENT_CLOSED, reset)

    async def _read(self, receive: Receive, conn: Connection, buffer: str) -> CloseReason:
        limit = self.services.settings.realtime_max_message_bytes
        records, buffer = protocol.split_records(buffer)
        while True:
            for record in records:
                message = protocol.parse_message(record)
                if message is protocol.MessageType.CLOSE:
                    return CLIENT_CLOSED
                if isinstance(message, protocol.Invocation):
                    await self._invoke(conn, message)
                    if conn.reason is not None:  # the reply found the queue full
                        return conn.reason
            try:
                data = await _receive_text(receive)
            except _Disconnected:
                return CLIENT_CLOSED
            conn.last_received = time.monotonic()
            if len(data) > limit or len(buffer) + len(data) > limit:
                return TOO_LARGE
            records, buffer = protocol.split_records(buffer + data)

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
        with self.hub.holding_socket(actor.id):
            conn = Connection(
                connection_id,
                actor.id,
                actor.token_id,
                settings.realtime_send_queue,
                send,
                language=language_of(actor, request.headers.get("accept-language")),
                expires_at=await credential_expiry(self.hub.services, actor.token_id),
            )
            del request, actor  # an idle connection keeps only what it needs
            if (await receive())["type"] != "websocket.connect":
                return
            await self.hub.serve(receive, send, conn, reset_of(scope))


class _Disconnected(Exception):
    """The client has gone."""


async def _send_text(send: Send, text: str) -> None:
    await send({"type": "websocket.send", "text": text})


async def _receive_text(receive: Receive) -> str:
    """The next frame's text; _Disconnected once the client has gone."""
    message = await receive()
    if message["type"] == "websocket.disconnect":
        raise _Disconnected
    if message.get("text") is not None:
        return str(message["text"])
    return bytes(message.get("bytes") or b"").decode("utf-8", errors="replace")


async def _handshake(receive: Receive, limit: int) -> str:
    """Read up to the handshake's record separator; return whatever followed it in the same frame."""
    buffer = ""
    while protocol.RS not in buffer:
        buffer += await _receive_text(receive)
        if len(buffer) > limit:
            raise protocol.ProtocolError("The handshake request is too large.")  # i18n-exempt: the protocol's
    record, _, rest = buffer.partition(protocol.RS)
    protocol.parse_handshake(record)
    return rest


async def _close(send: Send, reason: CloseReason, reset: Callable[[], None] | None) -> None:
    """Say why (a Close message) when the client can still hear it, then close; never wait long on a stuck peer.
    A client that takes neither within a few seconds has its TCP connection reset (realtime/transport.py), so
    that it holds no buffers on the server from then on."""
    with contextlib.suppress(Exception):  # the client may have gone already
        try:
            if reason is not CLIENT_CLOSED:
                message = protocol.close(reason.error, allow_reconnect=reason.allow_reconnect)
                await asyncio.wait_for(_send_text(send, message), 1)
            await asyncio.wait_for(send({"type": "websocket.close", "code": reason.code}), 2)
        except TimeoutError:
            if reset is not None:
                reset()


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
