"""A client that stops reading is disconnected without delaying anyone, and catches up by resync."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import socket
import struct
from collections.abc import AsyncIterator

import pytest

from schoolchat.config import Settings
from tests.factories import Factory
from tests.openapi_check import server_client
from tests.realtime.harness import RS, LiveServer, RawHubClient, send, start_group

SEND_QUEUE = 4
BODY = 90_000  # each event carries the text twice (body and html): a few make megabytes that nobody reads


async def _server(hub_settings: Settings, **overrides: object) -> AsyncIterator[LiveServer]:
    """A server for big messages that one sender sends fast, with a quiet keep-alive."""
    live = LiveServer(
        hub_settings.model_copy(
            update={
                "realtime_keepalive_seconds": 30.0,
                "max_message_length": BODY + 100,
                "rate_sends": "1000/minute",
                **overrides,
            }
        )
    )
    await live.start()
    yield live
    await live.stop()


@pytest.fixture
async def small_queue_server(hub_settings: Settings) -> AsyncIterator[LiveServer]:
    async for live in _server(hub_settings, realtime_send_queue=SEND_QUEUE):
        yield live


class StalledClient:
    """A hub client on a bare socket with a tiny receive window, that reads nothing until told to."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.close_code: int | None = None  # the WebSocket close frame's code, once read

    @classmethod
    async def connect(cls, port: int, token: str) -> StalledClient:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        loop = asyncio.get_running_loop()
        await loop.sock_connect(sock, ("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        await loop.sock_sendall(
            sock,
            (
                f"GET /hubs/messages?access_token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode(),
        )
        client = cls(sock)
        client.buffer = b""
        while b"\r\n\r\n" not in client.buffer:
            client.buffer += await loop.sock_recv(sock, 4096)
        head, _, client.buffer = client.buffer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        await loop.sock_sendall(sock, _masked_text(json.dumps({"protocol": "json", "version": 1}) + RS))
        return client

    async def read_until_closed(self) -> list[dict[str, object]]:
        """Every hub message the server had sent before it closed the connection (a close frame, or EOF), or
        before it reset it (when the client came back too late even for the close)."""
        loop = asyncio.get_running_loop()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)  # catch up quickly now
        data, payloads = self.buffer, list[bytes]()
        with contextlib.suppress(ConnectionResetError):
            while self.close_code is None and (
                chunk := await asyncio.wait_for(loop.sock_recv(self.sock, 1 << 20), 10)
            ):
                data += chunk
                payloads, self.close_code = _frames(data)
        self.sock.close()
        return [json.loads(record) for payload in payloads for record in payload.decode().split(RS) if record]


def _masked_text(text: str) -> bytes:
    payload, mask = text.encode(), os.urandom(4)
    assert len(payload) < 126
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _frames(data: bytes) -> tuple[list[bytes], int | None]:
    """Payloads of the server's (unmasked) frames that arrived whole, and the code of a close frame if one came."""
    payloads: list[bytes] = []
    at = 0
    while at + 2 <= len(data):
        opcode, length = data[at] & 0x0F, data[at + 1] & 0x7F
        at += 2
        if length == 126:
            (length,), at = struct.unpack(">H", data[at : at + 2]), at + 2
        elif length == 127:
            (length,), at = struct.unpack(">Q", data[at : at + 8]), at + 8
        if at + length > len(data):
            break
        if opcode == 0x8:
            return payloads, struct.unpack(">H", data[at : at + 2])[0] if length >= 2 else 1005
        payloads.append(data[at : at + length])
        at += length
    return payloads, None


async def test_a_client_that_stops_reading_is_dropped_while_others_get_everything(
    small_queue_server: LiveServer, make: Factory
) -> None:
    server = small_queue_server
    ada, ben, cy = await make.people(3)
    fast = await RawHubClient.connect(server.hub_url, ben.token)
    stalled = await StalledClient.connect(server.port, cy.token)
    async with server_client(server.url, timeout=30) as api:
        group = await start_group(api, ada, [ben, cy])
        sent = []
        for n in range(40):
            sent.append((await send(api, ada, group, f"{n} " + "x" * BODY))["id"])
            while (event := await fast.next_event())["type"] != "message.created":
                pass
            assert event["payload"]["message"]["id"] == sent[-1]  # ben is never held up by cy

    got = [m["arguments"][0] for m in await stalled.read_until_closed() if m.get("type") == 1]  # type: ignore[index]
    delivered = [e["payload"]["message"]["id"] for e in got if e["type"] == "message.created"]
    assert len(delivered) < len(sent)

    again = await RawHubClient.connect(server.hub_url, cy.token)
    caught_up, last_id, more = list(delivered), got[-1]["id"] if got else 0, True
    while more:  # the answer comes in pages that stay under clients' message size limits
        page = (await again.invoke("GetEventsSince", last_id))["result"]
        caught_up += [e["payload"]["message"]["id"] for e in page["events"] if e["type"] == "message.created"]
        last_id, more = page["events"][-1]["id"], page["more"]
    assert caught_up == sent
    await fast.close()
    await again.close()


@pytest.fixture
async def deadline_server(hub_settings: Settings) -> AsyncIterator[LiveServer]:
    """A queue large enough never to fill here: the write deadline is what ends a stalled socket."""
    async for live in _server(hub_settings, realtime_send_queue=100_000, realtime_write_timeout_seconds=2.0):
        yield live


async def _stalled_until_given_up(server: LiveServer, make: Factory) -> StalledClient:
    """A client that reads nothing while messages pile up, until the server counts it a slow consumer."""
    ada, cy = await make.people(2)
    stalled = await StalledClient.connect(server.port, cy.token)
    async with server_client(server.url, timeout=30) as api:
        group = await start_group(api, ada, [cy])
        for n in range(400):
            await send(api, ada, group, f"{n} " + "x" * BODY)
            if "schoolchat_hub_slow_consumers_total 1.0" in (await api.get("/metrics")).text:
                return stalled
    raise AssertionError("the stalled client was never given up")


async def test_a_client_that_takes_no_write_within_the_deadline_gets_the_close_message_and_1013(
    deadline_server: LiveServer, make: Factory
) -> None:
    stalled = await _stalled_until_given_up(deadline_server, make)
    messages = await stalled.read_until_closed()  # it reads again at last: what was sent, then why it ends
    assert messages[-1] == {
        "type": 7,
        "error": "The connection fell too far behind; reconnect and resync.",
        "allowReconnect": True,
    }
    assert stalled.close_code == 1013


async def test_a_client_that_never_reads_again_has_its_connection_reset(
    deadline_server: LiveServer, make: Factory
) -> None:
    """Not even the close can reach it: the server aborts the TCP connection rather than keep its buffers."""
    stalled = await _stalled_until_given_up(deadline_server, make)
    async with asyncio.timeout(20):
        while (state := _tcp_state(stalled.sock)) == TCP_ESTABLISHED:
            await asyncio.sleep(0.2)
    assert state == TCP_CLOSE  # reset by the server (a polite close would leave it in CLOSE_WAIT, unread)
    stalled.sock.close()


TCP_ESTABLISHED, TCP_CLOSE = 1, 7  # tcpi_state values (linux/tcp_states.h)


def _tcp_state(sock: socket.socket) -> int:
    """The kernel's state of the client's TCP connection, read without consuming any data."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
