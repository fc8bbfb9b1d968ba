"""A hub connection writes what it is given at once while its socket takes it, one frame for what came together,
with no task of its own; what must wait for a slow reader goes through its writer task, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from schoolchat.realtime.connections import Connection
from schoolchat.realtime.transport import FrameSocket
from tests.realtime.test_slow_consumers import _frames


class _Quiet:
    """The socket's listener: nothing arrives in these tests."""

    def received(self, text: str) -> None: ...

    def closed(self) -> None: ...

    def shutdown(self) -> None: ...


@dataclass
class _Pair:
    connection: Connection
    socket: FrameSocket
    peer: asyncio.StreamReader

    async def received(self, count: int) -> list[bytes]:
        """The payloads of the next ``count`` frames the peer reads."""
        data = b""
        async with asyncio.timeout(5):
            while len(payloads := _frames(data)[0]) < count:
                data += await self.peer.read(65536)
        return payloads


@pytest.fixture
async def pair() -> AsyncIterator[_Pair]:
    """A hub connection whose socket is a real TCP connection to a peer in this test."""
    accepted: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await accepted.put((reader, writer))

    server = await asyncio.start_server(peer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, _ = await asyncio.get_running_loop().create_connection(asyncio.Protocol, "127.0.0.1", port)
    socket = FrameSocket(transport, _Quiet(), 1 << 20, set())
    transport.set_protocol(socket)
    connection = Connection("c1", 1, None, 100, lambda c: None, socket=socket)
    reader, writer = await accepted.get()
    yield _Pair(connection, socket, reader)
    transport.close()
    writer.close()
    server.close()
    await server.wait_closed()


async def test_what_is_queued_together_goes_out_at_once_in_one_frame_without_a_task(pair: _Pair) -> None:
    for text in ("one\x1e", "two\x1e", "three\x1e"):
        assert pair.connection.enqueue(text)
    pair.connection.flush()
    assert pair.connection.writer is None and pair.connection.pending is None
    assert await pair.received(1) == [b"one\x1etwo\x1ethree\x1e"]


async def test_while_the_socket_takes_nothing_the_writer_waits_and_sends_in_order(pair: _Pair) -> None:
    pair.socket.pause_writing()  # the transport's buffer is over its high-water mark: a slow reader
    assert pair.connection.push("first\x1e")
    assert pair.connection.push("second\x1e")
    assert pair.connection.writer is not None
    await asyncio.sleep(0.05)
    pair.socket.resume_writing()
    assert await pair.received(1) == [b"first\x1esecond\x1e"]
    await asyncio.sleep(0)
    assert pair.connection.writer is None
