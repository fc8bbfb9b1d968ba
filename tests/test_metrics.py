"""Operations: /metrics counts requests by route template and committed events by type."""

from __future__ import annotations

import httpx

from tests.calls import started
from tests.factories import Factory


async def test_metrics_count_requests_by_route_and_events_by_type(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b = await make.person(), await make.person()
    await started(client, a, people=[b.id], body="hi")
    text = (await client.get("/metrics")).text
    assert 'schoolchat_http_requests_total{method="POST",route="/api/conversations",status="201"} 1.0' in text
    assert 'schoolchat_events_total{type="message.created"} 1.0' in text
