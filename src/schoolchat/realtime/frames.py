"""WebSocket framing after the handshake (RFC 6455, section 5), for the server's side, with no I/O.

``FrameReader`` turns the bytes a client sent into whole messages and control frames, and refuses what the RFC
says a server must refuse, with the close code to fail the connection with (``FrameError``): frames that are not
masked (5.1), reserved bits without a negotiated extension or reserved opcodes (5.2), control frames longer than
125 bytes or fragmented (5.5), a continuation with no message begun or a new message inside a fragmented one
(5.4), text that is not UTF-8 (8.1, 1007), a message or frame longer than the reader's limit (1009), and a close
frame of one byte, with a code no endpoint may send, or with a reason that is not UTF-8 (5.5.1, 7.4). No
extension is ever negotiated here, so permessage-deflate frames are refused as reserved bits.
"""

from __future__ import annotations

import struct

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
DATA_OPCODES = frozenset({TEXT, BINARY})
CONTROL_OPCODES = frozenset({CLOSE, PING, PONG})
MAX_CONTROL_PAYLOAD = 125

NORMAL, PROTOCOL_ERROR, INVALID_DATA, TOO_BIG = 1000, 1002, 1007, 1009
NO_CODE = 1005  # a close frame without a code (never sent on the wire)
# Codes a peer may put in a close frame (7.4.1 and the IANA registry); 3000-4999 belong to libraries and apps.
SENDABLE_CODES = frozenset({1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014})


class FrameError(Exception):
    """The client broke the framing: fail the connection with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


Received = tuple[int, bytes | str]  # (opcode, payload): TEXT with str, BINARY and control frames with bytes


def _unmask(payload: bytes, mask: bytes) -> bytes:
    """XOR with the 4-byte mask, as one big integer operation instead of a Python loop per byte."""
    size = len(payload)
    if not size:
        return payload
    key = (mask * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(size, "little")


def _text(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise FrameError(INVALID_DATA, "Text that is not UTF-8.") from None  # i18n-exempt: the protocol's


def close_code(payload: bytes) -> int:
    """The code of a client's close frame (NO_CODE when it has none), checked as 5.5.1 and 7.4 say."""
    if not payload:
        return NO_CODE
    if len(payload) == 1:
        raise FrameError(PROTOCOL_ERROR, "A close frame of one byte.")  # i18n-exempt: the protocol's
    code = int.from_bytes(payload[:2], "big")
    if code not in SENDABLE_CODES and not 3000 <= code <= 4999:
        raise FrameError(PROTOCOL_ERROR, f"Close code {code} may not be sent.")  # i18n-exempt: the protocol's
    _text(payload[2:])
    return code


class FrameReader:
    """The frames of one client connection, parsed as bytes arrive; holds only what is not yet a whole message."""

    __slots__ = ("_buffer", "_opcode", "_parts", "_size", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit  # the largest message (and frame) accepted, in bytes
        self._buffer = b""  # bytes of a frame not yet whole
        self._opcode = 0  # the opcode of the fragmented message under way, 0 when none is
        self._parts: list[bytes] | None = None  # its fragments so far
        self._size = 0

    def feed(self, data: bytes) -> list[Received]:
        """The messages and control frames that ``data`` completes, in order; FrameError when it breaks a rule
        (the reader is then of no further use)."""
        buffer = self._buffer + data if self._buffer else data
        out: list[Received] = []
        at, end = 0, len(buffer)
        while end - at >= 2:
            first, second = buffer[at], buffer[at + 1]
            fin, opcode, length, head = first & 0x80, first & 0x0F, second & 0x7F, at + 2
            if first & 0x70:
                raise FrameError(PROTOCOL_ERROR, "Reserved bits set.")  # i18n-exempt: the protocol's
            if not second & 0x80:
                raise FrameError(PROTOCOL_ERROR, "A client frame that is not masked.")  # i18n-exempt
            if length == 126:
                if end - head < 2:
                    break
                (length,), head = struct.unpack_from(">H", buffer, head), head + 2
            elif length == 127:
                if end - head < 8:
                    break
                (length,), head = struct.unpack_from(">Q", buffer, head), head + 8
            self._check(fin, opcode, length)
            if end - head < 4 + length:
                break
            payload = _unmask(buffer[head + 4 : head + 4 + length], buffer[head : head + 4])
            at = head + 4 + length
            received = self._frame(fin, opcode, payload)
            if received is not None:
                out.append(received)
        self._buffer = buffer[at:] if at < end else b""
        return out

    def _check(self, fin: int, opcode: int, length: int) -> None:
        """The rules a frame's header alone can break, before its payload is waited for."""
        if opcode in CONTROL_OPCODES:
            if length > MAX_CONTROL_PAYLOAD:
                raise FrameError(
                    PROTOCOL_ERROR, "A control frame over 125 bytes."
                )  # i18n-exempt: the protocol's
            if not fin:
                raise FrameError(PROTOCOL_ERROR, "A fragmented control frame.")  # i18n-exempt: the protocol's
        elif opcode in DATA_OPCODES:
            if self._opcode:
                raise FrameError(PROTOCOL_ERROR, "A new message inside a fragmented one.")  # i18n-exempt
        elif opcode == CONTINUATION:
            if not self._opcode:
                raise FrameError(PROTOCOL_ERROR, "A continuation with no message begun.")  # i18n-exempt
        else:
            raise FrameError(PROTOCOL_ERROR, f"Reserved opcode {opcode}.")  # i18n-exempt: the protocol's
        if length > self.limit or (opcode == CONTINUATION and self._size + length > self.limit):
            raise FrameError(TOO_BIG, "The message is too large.")  # i18n-exempt: the protocol's

    def _frame(self, fin: int, opcode: int, payload: bytes) -> Received | None:
        if opcode in CONTROL_OPCODES:
            return opcode, payload
        if opcode != CONTINUATION:
            if fin:
                return opcode, _text(payload) if opcode == TEXT else payload
            self._opcode, self._parts, self._size = opcode, [payload], len(payload)
            return None
        assert self._parts is not None
        self._parts.append(payload)
        self._size += len(payload)
        if not fin:
            return None
        whole, opcode = b"".join(self._parts), self._opcode
        self._opcode, self._parts, self._size = 0, None, 0
        return opcode, _text(whole) if opcode == TEXT else whole


def frame(opcode: int, payload: bytes) -> bytes:
    """One whole, unmasked server frame."""
    size = len(payload)
    if size < 126:
        return bytes((0x80 | opcode, size)) + payload
    if size < 1 << 16:
        return struct.pack(">BBH", 0x80 | opcode, 126, size) + payload
    return struct.pack(">BBQ", 0x80 | opcode, 127, size) + payload


def close_frame(code: int) -> bytes:
    return frame(CLOSE, b"" if code == NO_CODE else struct.pack(">H", code))
