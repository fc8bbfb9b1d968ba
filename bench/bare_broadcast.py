"""A bare ``websockets`` broadcast server: the fan-out limit that ``realtime_load.py fanout`` compares the hub with.

It speaks just enough of the SignalR JSON hub protocol for realtime_load's members: it answers their handshake
record with ``{}``, ignores their pings, and for every text frame a sender writes on ``/send`` it sends one frame
shaped like the hub's ``message.created`` event to every member, through ``websockets.broadcast`` (one encoding,
written to each socket). No database, no authentication, no JSON parsing of what arrives: what is left is the
cost of a WebSocket frame per recipient on this machine, with the same event loop (uvloop) as ``schoolchat serve``.

    .venv/bin/python bench/bare_broadcast.py PORT
"""

from __future__ import annotations

import asyncio
import json
import sys
from http import HTTPStatus

import uvloop
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.http11 import Request, Response

RS = "\x1e"
members: set[ServerConnection] = set()


def health(connection: ServerConnection, request: Request) -> Response | None:
    """``GET /healthz`` answers 200, as the service's does, so the benchmark knows when the server is up."""
    return connection.respond(HTTPStatus.OK, "ok\n") if request.path == "/healthz" else None


def event(body: str) -> str:
    message = {"type": 1, "target": "event",
               "arguments": [{"type": "message.created", "payload": {"message": {"body": body}}}]}
    return json.dumps(message, separators=(",", ":")) + RS


async def handler(connection: ServerConnection) -> None:
    if connection.request is not None and connection.request.path == "/send":
        async for body in connection:
            broadcast(members, event(str(body)))
        return
    await connection.recv()  # the handshake record
    await connection.send("{}" + RS)
    members.add(connection)
    try:
        async for _ in connection:  # pings
            pass
    finally:
        members.discard(connection)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, process_request=health, compression=None, ping_interval=None,
                     max_size=2**16):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    uvloop.run(main(int(sys.argv[1])))
