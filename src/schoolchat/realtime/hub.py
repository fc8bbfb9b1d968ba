"""The SignalR hub at ``/hubs/messages``: negotiate, the WebSockets transport, and the hub's methods.

Server -> client: every event the caller may see, as ``event(<event>)`` (see ``Event.to_wire``).
Client -> server: ``GetEventsSince(lastEventId)`` answers ``{events, latest_id, more, reload}`` like
``GET /api/events``. A client calls it after every (re)connect with the last id it processed, and drops ids it
has already seen: live events and the answer can overlap, but together they miss nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.requests import HTTPConnection
from starlette.types import Message, Receive, Scope, Send

from schoolchat.errors import ApiError, error_body
from schoolchat.realtime import log
from schoolchat.realtime.access import credential_expiry, hub_actor, origin_allowed
from schoolchat.realtime.connections import CLIENT_CLOSED, SLOW_CONSUMER, CloseReason, Connection, Registry
from schoolchat.realtime.signalr import protocol
from schoolchat.realtime.signalr.negotiate import connection_id_of, negotiate_response, negotiate_version
from schoolchat.services import Services

PATH = "/hubs/messages"
RESYNC_PAGE = 500
FOREIGN_ORIGIN = "This page's origin may not open the messages hub."
UNAUTHENTICATED = "Please log in."
TOO_LARGE = CloseReason("The message is too large.", False, 1009)

HubMethod = Callable[[Services, int, list[Any]], Awaitable[Any]]  # (services, caller's user id, arguments)


async def get_events_since(services: Services, user_id: int, arguments: list[Any]) -> dict[str, Any]:
    if len(arguments) != 1 or isinstance(arguments[0], bool) or not isinstance(arguments[0], int | float):
        raise ValueError("GetEventsSince takes one argument: the last event id you processed (0 for none).")
    async with services.db.read() as conn:
        found = await log.resync(conn, user_id, max(0, int(arguments[0])), RESYNC_PAGE)
    return {"events": [event.to_wire() for event in found.events], "latest_id": found.latest_id,
            "more": found.more, "reload": found.reload}


METHODS: dict[str, HubMethod] = {"GetEventsSince": get_events_since}


class Hub:
    """This process's hub: its connections, fed by the bus."""

    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        self.registry = Registry(services.db, keepalive_seconds=settings.realtime_keepalive_seconds,
                                 client_timeout_seconds=settings.realtime_client_timeout_seconds)
        self._unsubscribe: Callable[[], None] | None = None

    async def start(self) -> None:
        await self.registry.start()
        self._unsubscribe = self.services.bus.subscribe(self.registry.on_events)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.registry.stop()

    async def serve(self, receive: Receive, send: Send, conn: Connection) -> None:
        settings = self.services.settings
        await send({"type": "websocket.accept"})
        try:
            rest = await asyncio.wait_for(_handshake(receive, settings.realtime_max_message_bytes),
                                          settings.realtime_handshake_timeout_seconds)
        except (protocol.ProtocolError, TimeoutError) as exc:
            error = str(exc) if isinstance(exc, protocol.ProtocolError) else "No handshake request arrived in time."
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
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
        except protocol.ProtocolError as exc:
            conn.stop(CloseReason(str(exc), False, 1002))
        finally:
            self.registry.remove(conn)
            conn.stop(CLIENT_CLOSED)  # cancels a writer still running; keeps an earlier reason
            if conn.writer is not None:
                await asyncio.gather(conn.writer, return_exceptions=True)
            await _close(send, conn.reason or CLIENT_CLOSED)

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
        method = METHODS.get(call.target)
        if call.stream:
            reply = protocol.completion(call.invocation_id or "", error=f"'{call.target}' is not a streaming method.")
        elif method is None:
            reply = protocol.completion(call.invocation_id or "", error=f"Unknown hub method '{call.target}'.")
        else:
            try:
                reply = protocol.completion(call.invocation_id or "",
                                            result=await method(self.services, conn.user_id, call.arguments))
            except ValueError as exc:
                reply = protocol.completion(call.invocation_id or "", error=str(exc))
        if call.invocation_id is not None and not conn.push(reply):
            conn.stop(SLOW_CONSUMER)


class HubSocket:
    """The WebSocket at ``/hubs/messages`` as a bare ASGI app: no per-connection routing or request objects
    beyond the upgrade, which matters at thousands of idle connections per process."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = self.hub.services.settings
        request = HTTPConnection(scope)
        if not origin_allowed(request, settings.allowed_origins):
            return await _deny(scope, send, 403, "foreign_origin", FOREIGN_ORIGIN)
        actor = await hub_actor(request, self.hub.services)
        if actor is None:
            return await _deny(scope, send, 401, "unauthenticated", UNAUTHENTICATED)
        connection_id = connection_id_of(settings.secret_key, request.query_params.get("id"))
        if connection_id is None:
            return await _deny(scope, send, 404, "not_found", "No such connection; negotiate again.")
        conn = Connection(connection_id, actor.id, actor.token_id, settings.realtime_send_queue, send,
                          expires_at=await credential_expiry(self.hub.services, actor.token_id))
        del request, actor  # an idle connection keeps only what it needs
        if (await receive())["type"] != "websocket.connect":
            return
        await self.hub.serve(receive, send, conn)


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
            raise protocol.ProtocolError("The handshake request is too large.")
    record, _, rest = buffer.partition(protocol.RS)
    protocol.parse_handshake(record)
    return rest


async def _close(send: Send, reason: CloseReason) -> None:
    """Say why (a Close message) when the client can still hear it, then close; never wait long on a stuck peer."""
    with contextlib.suppress(Exception):
        if reason is not CLIENT_CLOSED and reason is not SLOW_CONSUMER:
            message = protocol.close(reason.error, allow_reconnect=reason.allow_reconnect)
            await asyncio.wait_for(_send_text(send, message), 1)
        await asyncio.wait_for(send({"type": "websocket.close", "code": reason.code}), 2)


async def _deny(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    """Refuse the upgrade with an HTTP answer in the one error shape where the server can send one, else 403."""
    if "websocket.http.response" in scope.get("extensions", {}):
        await JSONResponse(error_body(code, message), status_code=status)(scope, _receive_nothing, send)
    else:
        await send({"type": "websocket.close", "code": 1008})


async def _receive_nothing() -> Message:
    return {"type": "websocket.disconnect"}


def _hub(request: Request) -> Hub:
    return request.app.state.hub


router = APIRouter(tags=["realtime"])


@router.post(f"{PATH}/negotiate", summary="SignalR negotiate (versions 0 and 1); WebSockets is the transport")
async def negotiate(request: Request) -> JSONResponse:
    hub = _hub(request)
    settings = hub.services.settings
    if not origin_allowed(request, settings.allowed_origins):
        raise ApiError(403, "foreign_origin", FOREIGN_ORIGIN)
    if await hub_actor(request, hub.services) is None:
        raise ApiError(401, "unauthenticated", UNAUTHENTICATED)
    version = negotiate_version(request.query_params.get("negotiateVersion"))
    return JSONResponse(negotiate_response(settings.secret_key, version))
