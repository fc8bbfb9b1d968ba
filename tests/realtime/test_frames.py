"""The hub's WebSocket framing refuses what RFC 6455 says a server must refuse, with the code it names."""

from __future__ import annotations

import asyncio
import base64
import os
import struct

import pytest

from schoolchat.realtime import frames
from schoolchat.realtime.frames import FrameError, FrameReader
from tests.factories import Factory
from tests.realtime.harness import LiveServer

LIMIT = 1000


def client_frame(
    opcode: int, payload: bytes, *, fin: bool = True, masked: bool = True, rsv: int = 0
) -> bytes:
    """A frame as a client sends it: masked unless told otherwise."""
    first = (0x80 if fin else 0) | rsv | opcode
    size = len(payload)
    if size < 126:
        head = bytes((first, size | (0x80 if masked else 0)))
    elif size < 1 << 16:
        head = struct.pack(">BBH", first, 126 | (0x80 if masked else 0), size)
    else:
        head = struct.pack(">BBQ", first, 127 | (0x80 if masked else 0), size)
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def refused(data: bytes) -> int:
    with pytest.raises(FrameError) as error:
        FrameReader(LIMIT).feed(data)
    return error.value.code


def test_a_masked_text_frame_is_one_message() -> None:
    assert FrameReader(LIMIT).feed(client_frame(frames.TEXT, "hei på deg".encode())) == [
        (frames.TEXT, "hei på deg")
    ]


def test_frames_split_anywhere_across_reads_come_out_whole_and_in_order() -> None:
    data = (
        client_frame(frames.TEXT, b"a" * 300)
        + client_frame(frames.PING, b"p")
        + client_frame(frames.TEXT, b"b")
    )
    reader, out = FrameReader(LIMIT), []
    for at in range(len(data)):
        out += reader.feed(data[at : at + 1])
    assert out == [(frames.TEXT, "a" * 300), (frames.PING, b"p"), (frames.TEXT, "b")]


def test_a_fragmented_message_is_joined_and_control_frames_may_come_between() -> None:
    data = (
        client_frame(frames.TEXT, b"one ", fin=False)
        + client_frame(frames.PING, b"")
        + client_frame(frames.CONTINUATION, b"two ", fin=False)
        + client_frame(frames.CONTINUATION, b"three")
    )
    assert FrameReader(LIMIT).feed(data) == [(frames.PING, b""), (frames.TEXT, "one two three")]


def test_an_unmasked_client_frame_is_a_protocol_error() -> None:
    assert refused(client_frame(frames.TEXT, b"x", masked=False)) == frames.PROTOCOL_ERROR


def test_reserved_bits_without_an_extension_are_a_protocol_error() -> None:
    assert refused(client_frame(frames.TEXT, b"x", rsv=0x40)) == frames.PROTOCOL_ERROR  # permessage-deflate's


@pytest.mark.parametrize("opcode", [0x3, 0x7, 0xB, 0xF])
def test_a_reserved_opcode_is_a_protocol_error(opcode: int) -> None:
    assert refused(client_frame(opcode, b"x")) == frames.PROTOCOL_ERROR


def test_a_control_frame_over_125_bytes_is_a_protocol_error() -> None:
    assert refused(client_frame(frames.PING, b"x" * 126)) == frames.PROTOCOL_ERROR


def test_a_fragmented_control_frame_is_a_protocol_error() -> None:
    assert refused(client_frame(frames.PING, b"x", fin=False)) == frames.PROTOCOL_ERROR


def test_a_continuation_with_no_message_begun_is_a_protocol_error() -> None:
    assert refused(client_frame(frames.CONTINUATION, b"x")) == frames.PROTOCOL_ERROR


def test_a_new_message_inside_a_fragmented_one_is_a_protocol_error() -> None:
    data = client_frame(frames.TEXT, b"one", fin=False) + client_frame(frames.TEXT, b"two")
    assert refused(data) == frames.PROTOCOL_ERROR


def test_text_that_is_not_utf8_is_invalid_data() -> None:
    assert refused(client_frame(frames.TEXT, b"\xff\xfe")) == frames.INVALID_DATA


def test_text_is_checked_as_utf8_once_its_fragments_are_joined() -> None:
    euro = "€".encode()
    data = client_frame(frames.TEXT, euro[:1], fin=False) + client_frame(frames.CONTINUATION, euro[1:])
    assert FrameReader(LIMIT).feed(data) == [(frames.TEXT, "€")]
    assert (
        refused(client_frame(frames.TEXT, euro[:1], fin=False) + client_frame(frames.CONTINUATION, b""))
        == 1007
    )


def test_a_frame_over_the_limit_is_refused_from_its_header_alone() -> None:
    header_only = client_frame(frames.BINARY, b"x" * (LIMIT + 1))[:14]
    assert refused(header_only) == frames.TOO_BIG


def test_a_fragmented_message_over_the_limit_is_too_big() -> None:
    data = client_frame(frames.TEXT, b"x" * 600, fin=False) + client_frame(frames.CONTINUATION, b"x" * 600)
    assert refused(data) == frames.TOO_BIG


@pytest.mark.parametrize(
    ("payload", "code"),
    [(b"", frames.NO_CODE), (struct.pack(">H", 1000), 1000), (struct.pack(">H", 4000) + b"bye", 4000)],
)
def test_a_close_frame_gives_its_code(payload: bytes, code: int) -> None:
    assert frames.close_code(payload) == code


def test_a_close_frame_of_one_byte_is_a_protocol_error() -> None:
    with pytest.raises(FrameError) as error:
        frames.close_code(b"\x03")
    assert error.value.code == frames.PROTOCOL_ERROR


@pytest.mark.parametrize("code", [999, 1004, 1005, 1006, 1015, 2999, 5000])
def test_a_close_code_no_endpoint_may_send_is_a_protocol_error(code: int) -> None:
    with pytest.raises(FrameError) as error:
        frames.close_code(struct.pack(">H", code))
    assert error.value.code == frames.PROTOCOL_ERROR


def test_a_close_reason_that_is_not_utf8_is_invalid_data() -> None:
    with pytest.raises(FrameError) as error:
        frames.close_code(struct.pack(">H", 1000) + b"\xff")
    assert error.value.code == frames.INVALID_DATA


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_server_frames_are_unmasked_with_the_shortest_length(size: int) -> None:
    encoded = frames.frame(frames.TEXT, b"x" * size)
    assert encoded[0] == 0x81 and not encoded[1] & 0x80
    assert len(encoded) - size == (2 if size < 126 else 4 if size < 65536 else 10)


async def test_the_hub_fails_a_connection_that_breaks_the_framing_with_the_rules_code(
    server: LiveServer, make: Factory
) -> None:
    ada = await make.person()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET /hubs/messages?access_token={ada.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    writer.write(client_frame(frames.TEXT, b'{"protocol":"json","version":1}\x1e'))
    writer.write(client_frame(frames.TEXT, b'{"type":6}\x1e', masked=False))
    received = await asyncio.wait_for(reader.read(), 10)  # everything until the server closes
    close_at = received.rindex(b"\x88\x02")
    assert struct.unpack(">H", received[close_at + 2 : close_at + 4])[0] == frames.PROTOCOL_ERROR
    writer.close()
