"""The JSON hub protocol (dotnet/aspnetcore ``src/SignalR/docs/specs/HubProtocol.md``).

Every message is one JSON object followed by the ASCII record separator 0x1E; one transport frame may carry
several. The server encodes each outgoing message once and hands the same string to every recipient.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

RS = "\x1e"
PROTOCOL_NAME = "json"
PROTOCOL_VERSION = 1


class MessageType(IntEnum):
    INVOCATION = 1
    STREAM_ITEM = 2
    COMPLETION = 3
    STREAM_INVOCATION = 4
    CANCEL_INVOCATION = 5
    PING = 6
    CLOSE = 7
    ACK = 8
    SEQUENCE = 9


class ProtocolError(ValueError):
    """The peer broke the protocol; the connection is closed with this text as the Close message's error."""


MAX_DEPTH = (
    32  # arrays and objects nested deeper than this in a message are not parsed (Python's parser recurses)
)


@dataclass(frozen=True, slots=True)
class Invocation:
    target: str
    arguments: list[Any]
    invocation_id: str | None  # None: non-blocking, the caller expects no completion
    stream: bool = False
    too_deep: bool = False  # arguments nested past MAX_DEPTH, cut out: the call gets a Completion error


def _flattened(record: str, max_depth: int) -> tuple[str, bool]:
    """``record`` with every array or object that opens below ``max_depth`` replaced by ``null``, and whether
    any was: the envelope (type, target, invocation id) survives, so the caller can still be answered.
    Only records that could nest that deep (counted brackets) are scanned, character by character."""
    if record.count("[") + record.count("{") <= max_depth:
        return record, False
    out: list[str] = []
    depth, skip_from, in_string, escaped, cut = 0, 0, False, False, False
    for char in record:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char in "[{":
            depth += 1
            if depth == max_depth + 1:
                out.append("null")
                skip_from, cut = depth, True
        elif char in "]}":
            depth -= 1
            if skip_from and depth < skip_from:
                skip_from = 0
                continue
        elif char == '"':
            in_string = True
        if not skip_from:
            out.append(char)
    return "".join(out), cut


def _dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False) + RS


def split_records(buffer: str) -> tuple[list[str], str]:
    """Complete records in ``buffer`` and the unterminated rest (kept until the next frame completes it)."""
    *records, rest = buffer.split(RS)
    return [record for record in records if record], rest


def parse_handshake(record: str) -> None:
    """Accept ``{"protocol": "json", "version": 1}``; anything else is a ProtocolError with the answer's text."""
    try:
        request = json.loads(record)
    except ValueError as exc:
        raise ProtocolError("The handshake request is not valid JSON.") from exc
    if not isinstance(request, dict) or "protocol" not in request:
        raise ProtocolError("The first message must be a handshake request.")
    if request["protocol"] != PROTOCOL_NAME:
        raise ProtocolError(f"Requested protocol '{request['protocol']}' is not available.")
    if request.get("version") != PROTOCOL_VERSION:
        raise ProtocolError(
            f"The server does not support version {request.get('version')} of the '{PROTOCOL_NAME}' protocol."
        )


def parse_message(record: str) -> Invocation | MessageType:
    """An invocation to dispatch, or the type of a message that carries nothing the hub needs."""
    record, too_deep = _flattened(record, MAX_DEPTH)
    try:
        message = json.loads(record)
    except ValueError as exc:
        raise ProtocolError("A message is not valid JSON.") from exc
    if not isinstance(message, dict) or not isinstance(message.get("type"), int):
        raise ProtocolError("A message has no type.")
    try:
        kind = MessageType(message["type"])
    except ValueError as exc:
        raise ProtocolError(f"Unknown message type {message['type']}.") from exc
    if kind not in (MessageType.INVOCATION, MessageType.STREAM_INVOCATION):
        return kind
    target, arguments, invocation_id = (
        message.get("target"),
        message.get("arguments", []),
        message.get("invocationId"),
    )
    if not isinstance(target, str) or not isinstance(arguments, list):
        raise ProtocolError("An invocation needs a target and an arguments array.")
    if invocation_id is not None and not isinstance(invocation_id, str):
        raise ProtocolError("An invocation id must be a string.")
    if kind is MessageType.STREAM_INVOCATION and invocation_id is None:
        raise ProtocolError("A stream invocation needs an invocation id.")
    return Invocation(
        target, arguments, invocation_id, stream=kind is MessageType.STREAM_INVOCATION, too_deep=too_deep
    )


def handshake_response(error: str | None = None) -> str:
    return _dumps({"error": error} if error else {})


def invocation(target: str, argument: str) -> str:
    """A non-blocking invocation of a client method (the server expects no completion) with one argument, already
    encoded as JSON by the model that shapes it."""
    return f'{{"type":{MessageType.INVOCATION.value},"target":{json.dumps(target)},"arguments":[{argument}]}}{RS}'


def completion(invocation_id: str, *, result: Any = None, error: str | None = None) -> str:
    message: dict[str, Any] = {"type": MessageType.COMPLETION, "invocationId": invocation_id}
    if error is not None:
        message["error"] = error
    elif result is not None:
        message["result"] = result
    return _dumps(message)


def close(error: str | None = None, *, allow_reconnect: bool = False) -> str:
    message: dict[str, Any] = {"type": MessageType.CLOSE}
    if error is not None:
        message["error"] = error
    if allow_reconnect:
        message["allowReconnect"] = True
    return _dumps(message)


PING = _dumps({"type": MessageType.PING})
