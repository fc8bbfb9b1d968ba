"""Web Push against a real push endpoint: the push arrives encrypted for the subscription's keys (RFC 8291) and
signed (VAPID), carries no message text, and a subscription the push service answers 410 for is removed."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select

from schoolchat.db.types import utcnow
from schoolchat.notifications.models import push_subscriptions
from schoolchat.notifications.worker import NotificationWorker
from schoolchat.services import Services
from tests.calls import started
from tests.factories import Factory, Person
from tests.notifications.conftest import PUBLIC_URL, VAPID_PUBLIC, BrowserSubscription, PushEndpoint


async def _subscribe(
    client: httpx.AsyncClient, who: Person, endpoint: PushEndpoint, device: str
) -> BrowserSubscription:
    browser = BrowserSubscription(f"{endpoint.url}/{device}")
    answer = await client.post("/api/push/subscriptions", json=browser.to_json(), headers=who.headers)
    assert answer.status_code == 201, answer.text
    return browser


async def test_a_push_reaches_the_subscribed_browser_encrypted_for_it_and_without_message_text(
    client: httpx.AsyncClient, make: Factory, worker: NotificationWorker, push_endpoint: PushEndpoint
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    preferences = (await client.get("/api/me/notifications", headers=student.headers)).json()
    assert (preferences["push_available"], preferences["vapid_public_key"]) == (True, VAPID_PUBLIC)
    browser = await _subscribe(client, student, push_endpoint, "sia-laptop")
    conversation = await started(client, teacher, people=[student.id], body="The trip is cancelled.")
    now = utcnow()
    await worker.tick(now)
    assert push_endpoint.received == []  # a reader who is looking reads it first
    await worker.tick(now + timedelta(minutes=1))
    [(headers, body)] = push_endpoint.received
    assert headers["Content-Encoding"] == "aes128gcm"
    assert headers["Authorization"].startswith("vapid t=") and f"k={VAPID_PUBLIC}" in headers["Authorization"]
    push = browser.decrypt(body)
    assert push["body"] == "Maria Jensen in “Maria Jensen” (1 unread)"
    assert push["url"] == f"{PUBLIC_URL}/?conversation={conversation['conversation']['id']}"
    assert "cancelled" not in str(push)


async def test_a_subscription_the_push_service_answers_410_for_is_removed(
    client: httpx.AsyncClient,
    make: Factory,
    services: Services,
    worker: NotificationWorker,
    push_endpoint: PushEndpoint,
) -> None:
    teacher, student = await make.person("Maria Jensen", "teacher"), await make.person("Sia Student")
    await _subscribe(client, student, push_endpoint, "old-phone")
    push_endpoint.status = 410
    await started(client, teacher, people=[student.id], body="Hello")
    await worker.tick(utcnow() + timedelta(minutes=1))
    assert len(push_endpoint.received) == 1
    async with services.db.read() as conn:
        left = (await conn.execute(select(func.count()).select_from(push_subscriptions))).scalar_one()
    assert left == 0


async def test_a_subscription_is_deleted_by_its_owner_only(
    client: httpx.AsyncClient, make: Factory, services: Services, push_endpoint: PushEndpoint
) -> None:
    student, other = await make.person("Sia Student"), await make.person("Ola Other")
    browser = await _subscribe(client, student, push_endpoint, "laptop")
    foreign = await client.delete(
        "/api/push/subscriptions", params={"endpoint": browser.endpoint}, headers=other.headers
    )
    assert foreign.status_code == 204
    async with services.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(push_subscriptions))).scalar_one() == 1
    own = await client.delete(
        "/api/push/subscriptions", params={"endpoint": browser.endpoint}, headers=student.headers
    )
    assert own.status_code == 204
    async with services.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(push_subscriptions))).scalar_one() == 0


async def test_a_subscription_must_be_a_web_address_with_keys(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person("Sia Student")
    answer = await client.post(
        "/api/push/subscriptions",
        json={"endpoint": "javascript:alert(1)", "keys": {"p256dh": "x", "auth": "y"}},
        headers=student.headers,
    )
    assert answer.status_code == 422
    fields = {field["field"] for field in answer.json()["error"]["details"]["fields"]}
    assert "endpoint" in fields


async def test_a_subscription_outside_https_is_refused_unless_allowed(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    student = await make.person("Sia Student")
    browser = BrowserSubscription("http://10.0.0.1/internal")
    services.settings.push_allow_http = False
    answer = await client.post("/api/push/subscriptions", json=browser.to_json(), headers=student.headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_push_endpoint"


async def test_storing_an_endpoint_stored_already_answers_200(
    client: httpx.AsyncClient, make: Factory, push_endpoint: PushEndpoint
) -> None:
    student = await make.person()
    browser = await _subscribe(client, student, push_endpoint, "sia-phone")
    again = await client.post("/api/push/subscriptions", json=browser.to_json(), headers=student.headers)
    assert again.status_code == 200, again.text
