"""Web Push (RFC 8030, encrypted per RFC 8291, signed with VAPID per RFC 8292) through pywebpush.

A push says who wrote where and how many are unread, with the conversation's address; no message text unless
the school switched text on. It goes to each of the person's subscriptions (one per browser); a subscription
the push service answers 404 or 410 for has expired and is removed. Pushes carry a ``tag`` per conversation, so
a push repeated after a crash replaces the first on the device instead of showing twice.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pywebpush import WebPushException, webpush_async
from sqlalchemy import delete, select

from schoolchat.config import Settings
from schoolchat.notifications import texts
from schoolchat.notifications.content import Digest
from schoolchat.notifications.email import DeliveryFailed, conversation_url, reports_url
from schoolchat.notifications.models import push_subscriptions
from schoolchat.services import Services

EXPIRED = (404, 410)
TTL_SECONDS = 24 * 3600


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_vapid_keys() -> tuple[str, str]:
    """A new P-256 key pair: the private key (raw, base64url) and the public key (the uncompressed point the
    browser's ``applicationServerKey`` takes, base64url)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(private), _b64url(public)


def payload(settings: Settings, digest: Digest) -> dict[str, Any]:
    if digest.alerts:
        return {
            "title": texts.alert_subject(),
            "body": texts.alert_line(),
            "url": reports_url(settings),
            "tag": "safeguarding",
            "unread": digest.unread,
        }
    newest = digest.entries[0]
    body = texts.push_body(newest.senders[0], newest.name, digest.unread)
    if newest.text is not None:
        body = f"{body}\n{newest.text}"
    return {
        "title": texts.PUSH_TITLE,
        "body": body,
        "url": conversation_url(settings, newest.conversation_id),
        "tag": f"conversation-{newest.conversation_id}",
        "unread": digest.unread,
    }


@dataclass(frozen=True)
class Outcome:
    delivered: int
    expired: int


async def deliver(services: Services, digest: Digest) -> Outcome:
    """Push to every subscription of the person; expired ones are removed. Raises DeliveryFailed when a push
    service failed otherwise (the whole send is retried; devices already reached replace it by its tag)."""
    settings = services.settings
    async with services.db.read() as conn:
        subscriptions = (
            await conn.execute(
                select(push_subscriptions).where(push_subscriptions.c.user_id == digest.user_id)
            )
        ).all()
    data = json.dumps(payload(settings, digest))
    delivered, expired, failures = 0, [], []
    async with aiohttp.ClientSession() as session:
        for subscription in subscriptions:
            info = {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            }
            try:
                await webpush_async(
                    info,
                    data,
                    vapid_private_key=settings.vapid_private_key,
                    vapid_claims={"sub": settings.vapid_subject},
                    ttl=TTL_SECONDS,
                    aiohttp_session=session,
                    timeout=settings.smtp_timeout_seconds,
                )
                delivered += 1
            except WebPushException as exc:
                status = getattr(exc.response, "status", None)
                if status in EXPIRED:
                    expired.append(subscription.id)
                else:
                    failures.append(f"{status}: {exc.message}")
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
    if expired:
        async with services.db.write() as tx:
            await tx.conn.execute(delete(push_subscriptions).where(push_subscriptions.c.id.in_(expired)))
    if failures:
        raise DeliveryFailed("; ".join(failures))
    return Outcome(delivered, len(expired))
