"""``POST [endpoint]/negotiate`` (TransportProtocols.md), versions 0 and 1, with no state kept on the server.

The connection token is ``<connection id>.<HMAC of it>``, so any process that shares the secret key can check the
``id`` a WebSocket presents, and a client may negotiate with one process and connect to another. Version 0 clients
(the Python ones send no version) put the connectionId in ``id``, so in version 0 the connectionId is the token.
Authentication is checked again when the WebSocket opens; the token only names the connection.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

MAX_NEGOTIATE_VERSION = 1
TRANSPORTS = [{"transport": "WebSockets", "transferFormats": ["Text"]}]


def _signature(secret_key: str, connection_id: str) -> str:
    digest = hmac.new(secret_key.encode(), b"signalr-connection:" + connection_id.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def negotiate_version(requested: str | None) -> int:
    """The version to answer with: the client's, capped at ours; absent or unreadable means 0."""
    try:
        wanted = int(requested) if requested is not None else 0
    except ValueError:
        return 0
    return max(0, min(wanted, MAX_NEGOTIATE_VERSION))


def negotiate_response(secret_key: str, version: int) -> dict[str, Any]:
    connection_id = secrets.token_urlsafe(16)
    token = f"{connection_id}.{_signature(secret_key, connection_id)}"
    if version == 0:
        return {"connectionId": token, "negotiateVersion": 0, "availableTransports": TRANSPORTS}
    return {
        "connectionToken": token,
        "connectionId": connection_id,
        "negotiateVersion": version,
        "availableTransports": TRANSPORTS,
    }


def connection_id_of(secret_key: str, token: str | None) -> str | None:
    """The connection id a WebSocket's ``id`` names; a fresh one when it names none; None when it is forged."""
    if token is None:
        return secrets.token_urlsafe(16)
    connection_id, _, signature = token.partition(".")
    if connection_id and hmac.compare_digest(signature, _signature(secret_key, connection_id)):
        return connection_id
    return None
