"""Resetting the TCP connection under a WebSocket, when a client has stopped reading for good.

ASGI can only close a WebSocket politely: the close frame queues behind everything the client has not read, and
the connection (with megabytes of kernel send buffer) lives until the client reads it all, which a stalled client
that keeps the connection alive never does. Even closing the socket leaves the kernel retrying the unsent bytes.
ASGI has no abort, so this wrapper, outside every other layer, finds the server's transport behind its ``send``
(uvicorn's protocols keep it as ``transport``, whichever WebSocket implementation) and hands the hub, through the
scope, a reset: SO_LINGER of zero, then abort, which sends an RST and frees the buffers at once. Under a server
that exposes no transport, the hub closes politely and nothing else changes.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

RESET = "schoolchat.reset"  # the scope key: a callable that resets the connection at once


def reset_of(scope: Scope) -> Callable[[], None] | None:
    return scope.get(RESET)


def _reset(transport: Any) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


class TransportReset:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if callable(getattr(transport, "abort", None)):
                scope[RESET] = lambda: _reset(transport)
        await self.app(scope, receive, send)
