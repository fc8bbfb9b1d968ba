"""Real servers for the notification tests: an SMTP server (aiosmtpd) and a push endpoint (aiohttp) on free ports,
a browser-like push subscription (P-256 key pair and auth secret), and the settings that point the service at them.
"""

from __future__ import annotations

import base64
import json
import os
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import http_ece
import httpx
import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import update

from schoolchat.config import Settings
from schoolchat.notifications.push import generate_vapid_keys
from schoolchat.notifications.worker import NotificationWorker
from schoolchat.people.models import users
from schoolchat.services import Services
from tests.conftest import SECRET
from tests.factories import Factory, Person

PUBLIC_URL = "https://chat.school.test"
VAPID_PRIVATE, VAPID_PUBLIC = generate_vapid_keys()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """What the SMTP server accepted, parsed; ``answer`` is what it says to the next DATA ("250 OK", "451 …")."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.answer = "250 OK"
        self.on_accept: Any = None  # called (in the server's thread) before answering an accepted mail

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.answer.startswith("250"):
            return self.answer
        self.mails.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        if self.on_accept is not None:
            self.on_accept(len(self.mails))
        return self.answer

    def to(self, person: Person) -> list[EmailMessage]:
        return [mail for mail in self.mails if mail["To"] == address(person)]

    def message_ids_by_recipient(self) -> dict[str, set[str]]:
        seen: dict[str, set[str]] = {}
        for mail in self.mails:
            seen.setdefault(str(mail["To"]), set()).add(str(mail["Message-ID"]))
        return seen


def address(person: Person) -> str:
    return f"{person.username}@school.test"


def body_of(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(mailbox: Mailbox, smtp_port: int) -> Iterator[Controller]:
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield controller
    controller.stop()


@dataclass
class PushEndpoint:
    """A push service: answers ``status`` and keeps what it received."""

    url: str = ""
    status: int = 201
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
async def push_endpoint() -> AsyncIterator[PushEndpoint]:
    endpoint = PushEndpoint()

    async def receive(request: web.Request) -> web.Response:
        endpoint.received.append((dict(request.headers), await request.read()))
        return web.Response(status=endpoint.status)

    application = web.Application()
    application.router.add_post("/push/{device}", receive)
    runner = web.AppRunner(application)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    endpoint.url = f"http://127.0.0.1:{port}/push"
    yield endpoint
    await runner.cleanup()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class BrowserSubscription:
    """What a browser makes on PushManager.subscribe(): an endpoint, a P-256 key pair and an auth secret."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def to_json(self) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,  # as PushSubscription.toJSON() gives it
            "keys": {"p256dh": _b64(public), "auth": _b64(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict[str, Any]:
        return json.loads(
            http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        )


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp_port: int) -> Settings:
    """The suite's settings, with the SMTP server, VAPID keys and a public address (overrides tests/conftest)."""
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path,
        max_message_length=2000,
        public_url=PUBLIC_URL,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_security="none",
        smtp_from="schoolchat <noreply@school.test>",
        smtp_timeout_seconds=5,
        vapid_private_key=VAPID_PRIVATE,
        vapid_public_key=VAPID_PUBLIC,
        vapid_subject="mailto:it@school.test",
        push_allow_http=True,
    )


@pytest.fixture
def worker(services: Services) -> NotificationWorker:
    return NotificationWorker(services)


async def give_email(make: Factory, *people: Person) -> None:
    async with make.services.db.write() as tx:
        for person in people:
            await tx.conn.execute(update(users).where(users.c.id == person.id).values(email=address(person)))


async def school_clock(client: httpx.AsyncClient, admin: Person, org_id: int, time_zone: str) -> ZoneInfo:
    """Set an org's time zone (the admin page's time zone form): the one clock notifications are read on."""
    changed = await client.patch(
        f"/api/admin/orgs/{org_id}", json={"time_zone": time_zone}, headers=admin.headers
    )
    assert changed.status_code == 204, changed.text
    return ZoneInfo(time_zone)
