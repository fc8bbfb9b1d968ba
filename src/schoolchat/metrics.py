"""Prometheus metrics: HTTP requests by route template, committed events by type, and uploads deleted unsent.

Counted at the edges (an ASGI wrapper, a bus subscriber, the sweep's timer job in app.py), so no action has to
know about metrics.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schoolchat.ratelimit.rules import Rule
from schoolchat.realtime.bus import Bus
from schoolchat.realtime.events import Event


class Metrics:
    """One registry per application, so that several apps in one process (tests) never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "schoolchat_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "schoolchat_http_request_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.events = Counter(
            "schoolchat_events", "Events committed to the event log", ["type"], registry=self.registry
        )
        self.rate_limited = Counter(
            "schoolchat_rate_limited",
            "Requests and hub calls refused by a rate limit",
            ["limit"],
            registry=self.registry,
        )
        for rule in Rule:
            self.rate_limited.labels(str(rule))
        self.slow_consumers = Counter(
            "schoolchat_hub_slow_consumers",
            "Hub connections closed because the client did not take what was sent "
            "(send queue full or write deadline passed)",
            registry=self.registry,
        )
        self.unsent_uploads_deleted = Counter(
            "schoolchat_unsent_uploads_deleted",
            "Uploads deleted because no message carried them in time",
            registry=self.registry,
        )

    def watch(self, bus: Bus) -> None:
        async def count(events: Sequence[Event]) -> None:
            for event in events:
                self.events.labels(str(event.type)).inc()

        bus.subscribe(count)

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Counts and times every HTTP request under its route template (``/api/messages/{message_id}``)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(scope["method"], template).observe(time.perf_counter() - started)
