"""Signed one-click unsubscribe links (RFC 8058): ``<user id>.<HMAC-SHA256(secret key, purpose:user id)>``.

The token names the person and proves the link came from us; it needs no login and no state, and it only
ever switches that person's emails off."""

from __future__ import annotations

import base64
import hashlib
import hmac

_PURPOSE = b"unsubscribe-email:"


def _signature(secret_key: str, user_id: int) -> str:
    digest = hmac.new(secret_key.encode(), _PURPOSE + str(user_id).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_for(secret_key: str, user_id: int) -> str:
    return f"{user_id}.{_signature(secret_key, user_id)}"


def user_of(secret_key: str, token: str) -> int | None:
    """The person a token was made for, or None when it is malformed or not signed with our key."""
    user_part, _, signature = token.partition(".")
    if not user_part.isdigit() or len(user_part) > 12:
        return None
    user_id = int(user_part)
    return user_id if hmac.compare_digest(signature, _signature(secret_key, user_id)) else None


def url_for(public_url: str, secret_key: str, user_id: int) -> str:
    return f"{public_url.rstrip('/')}/unsubscribe?token={token_for(secret_key, user_id)}"
