"""The hub's WebSockets under uvicorn: uvicorn's protocol for the HTTP handshake, then a socket of our own.

An idle hub connection is most of the connections a school has open, so what each keeps matters at thousands per
process. uvicorn's WebSocket protocols keep, for the socket's life, a receive queue, events, the handshake's
request and response, the sans-I/O parser and a task awaiting ``receive()`` through every layer of the app.
``HubWebSocketProtocol`` is uvicorn's sans-I/O protocol (``Config.ws`` takes the class) with one addition: the
ASGI scope carries ``take_over`` (``take_over_of``). The hub calls it right after accepting, and from then on the
connection's transport talks to a ``FrameSocket``: it parses frames itself (realtime/frames.py) and hands each
whole text message to a ``Listener`` by a plain call, so an idle connection holds no task, queue, event or
timer, and the ASGI call returns. Other WebSocket routes never call it and keep uvicorn's protocol as it is.

Resetting: ASGI can only close politely, and the close frame queues behind everything a stalled client has not
read. ``FrameSocket.close`` therefore resets the TCP connection (SO_LINGER of zero, then abort: an RST that frees
the kernel's buffers at once) when the close has not gone out within ``CLOSE_SECONDS``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from collections.abc import Callable
from typing import Any, Protocol, cast

from starlette.types import Scope
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

from schoolchat.realtime import frames

logger = logging.getLogger(__name__)

TAKE_OVER = "schoolchat.take_over"  # the scope key: take_over(listener, limit) -> FrameSocket
CLOSE_SECONDS = 3.0  # how long a client has to take the close frame, and to answer it, before the reset


class Listener(Protocol):
    """What the socket tells about its connection (calls from the event loop, never awaited)."""

    def received(self, text: str) -> None:
        """A whole message (binary ones decoded as UTF-8, with replacements)."""

    def closed(self) -> None:
        """The connection is gone: nothing more arrives, and nothing more can be sent."""

    def shutdown(self) -> None:
        """The server is stopping: say goodbye and close."""


TakeOver = Callable[[Listener, int], "FrameSocket"]


def take_over_of(scope: Scope) -> TakeOver | None:
    return cast(TakeOver | None, scope.get(TAKE_OVER))


class FrameSocket(asyncio.Protocol):
    """One hub connection after the handshake: its transport's protocol, and what the hub writes to."""

    __slots__ = (
        "_closing",
        "_connections",
        "_drained",
        "_paused",
        "_timer",
        "listener",
        "reader",
        "transport",
    )

    def __init__(
        self, transport: asyncio.Transport, listener: Listener, limit: int, connections: set[Any]
    ) -> None:
        self.transport = transport
        self.listener = listener
        self.reader = frames.FrameReader(limit)
        self._connections = connections  # uvicorn's: it waits for them to close when shutting down
        self._drained: asyncio.Future[None] | None = None
        self._paused = False
        self._closing = False  # our close frame is out (or the connection failed): take no more messages
        self._timer: asyncio.TimerHandle | None = None
        connections.add(self)

    # asyncio.Protocol

    def data_received(self, data: bytes) -> None:
        try:
            received = self.reader.feed(data)
        except frames.FrameError as exc:
            self._fail(exc.code)
            return
        for opcode, payload in received:
            if opcode == frames.TEXT and not self._closing:
                self.listener.received(cast(str, payload))
            elif opcode == frames.BINARY and not self._closing:
                self.listener.received(cast(bytes, payload).decode("utf-8", errors="replace"))
            elif opcode == frames.PING:
                self._write(frames.frame(frames.PONG, cast(bytes, payload)))
            elif opcode == frames.CLOSE:
                self._closed_by_peer(cast(bytes, payload))
                return

    def eof_received(self) -> bool | None:
        return None  # the transport closes itself

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self)
        self._closing = True
        self._paused = False
        self._wake()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.listener.closed()

    # uvicorn, when stopping

    def shutdown(self) -> None:
        self.listener.shutdown()

    # the hub's side

    @property
    def writable(self) -> bool:
        """False while the transport's buffer is over its high-water mark (the client reads slowly)."""
        return not self._paused

    async def drained(self) -> None:
        """Return once the transport's buffer is below its low-water mark (at once when it is)."""
        if self._paused:
            if self._drained is None:
                self._drained = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._drained)

    def send_text(self, text: str) -> None:
        if not self._closing:
            self._write(frames.frame(frames.TEXT, text.encode()))

    def close(self, code: int) -> None:
        """Send the close frame; close the TCP connection when the client answers it, or reset it when the
        client has not taken it and answered within CLOSE_SECONDS."""
        if self._closing:
            return
        self._closing = True
        self._write(frames.close_frame(code))
        self._timer = asyncio.get_running_loop().call_later(CLOSE_SECONDS, self._close_timed_out)

    def reset(self) -> None:
        """Abort the TCP connection with an RST: the kernel drops whatever the client has not read."""
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    # inside

    def _write(self, data: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(data)

    def _wake(self) -> None:
        if self._drained is not None:
            if not self._drained.done():
                self._drained.set_result(None)
            self._drained = None

    def _fail(self, code: int) -> None:
        """The client broke the framing: the close frame with the code, and the connection ends (RFC 6455, 7.1.7)."""
        self._closing = True
        self._write(frames.close_frame(code))
        self.transport.close()

    def _closed_by_peer(self, payload: bytes) -> None:
        """The client's close frame: answer it with its code (when we have not sent ours yet), then close."""
        try:
            code = frames.close_code(payload)
        except frames.FrameError as exc:
            self._fail(exc.code)
            return
        if not self._closing:
            self._closing = True
            self._write(frames.close_frame(code))
        self.transport.close()

    def _close_timed_out(self) -> None:
        self._timer = None
        if self.transport.get_write_buffer_size():
            self.reset()
        else:
            self.transport.close()


class HubWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, whose sockets the hub can take over after the handshake.

    permessage-deflate is never negotiated (``FrameSocket`` takes no extension, and it would cost ~44 KB of zlib
    state a socket); uvicorn's own ping is for sockets not taken over only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn.available_extensions = []
        self.handed_over = False

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # the request was a valid upgrade: the app runs (its task has not started yet)
            scope[TAKE_OVER] = self._take_over

    def _take_over(self, listener: Listener, limit: int) -> FrameSocket:
        """From now on ``FrameSocket`` is the transport's protocol. Called right after ``websocket.accept``, in
        the same step of the loop, so no byte of the client's has reached the sans-I/O parser since."""
        self.stop_keepalive()
        self.handed_over = True
        self.connections.discard(self)
        taken = FrameSocket(self.transport, listener, limit, self.connections)
        self.transport.set_protocol(taken)
        if self.read_paused:
            self.transport.resume_reading()
        return taken

    async def run_asgi(self) -> None:
        """As uvicorn's, except that a socket taken over stays open when the app returns."""
        try:
            await self.app(self.scope, self.receive, self.send)
        except ClientDisconnected:
            pass
        except BaseException:
            self.logger.exception("Exception in ASGI application\n")
            self.send_500_response()
        else:
            if not self.handshake_complete:
                self.logger.error("ASGI callable returned without completing handshake.")
                self.send_500_response()
        if not self.handed_over and self.close_timer is None:
            self.transport.close()
