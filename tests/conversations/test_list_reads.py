"""The conversation list is read in two round trips on PostgreSQL whatever its page holds: the page, then every
fact its entries show (names, unread counts, working hours, what the viewer may do) in one pipeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import event

from schoolchat.db import libpq
from schoolchat.services import Services
from tests.calls import conversation_list, started
from tests.factories import Factory
from tests.spies import calls_of


async def test_a_list_page_of_every_kind_is_read_in_two_round_trips(
    services: Services, client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    if services.db.is_sqlite:
        pytest.skip("SQLite runs in the process: there are no round trips")
    teacher, emma, noah = (
        await make.person("Maria Jensen", "teacher"),
        await make.person(),
        await make.person(),
    )
    course = await make.space("Biology 101", teachers=[teacher], students=[emma, noah])
    oslo = datetime.now(ZoneInfo("Europe/Oslo"))
    hours = {
        "start": (oslo + timedelta(hours=2)).strftime("%H:%M"),
        "end": (oslo + timedelta(hours=3)).strftime("%H:%M"),
        "days": [1, 2, 3, 4, 5, 6, 7],
    }
    assert (await client.put("/api/me/working-hours", json=hours, headers=teacher.headers)).status_code == 200
    direct = (await started(client, emma, people=[teacher.id], body="Homework?"))["conversation"]["id"]
    group = (await started(client, noah, people=[emma.id, teacher.id], mode="group", body="hi"))[
        "conversation"
    ]
    lesson = (await started(client, teacher, courses=[course.id], mode="group", body="Lab"))["conversation"]
    await conversation_list(client, emma)  # her token is in the actor cache now
    trips = calls_of(monkeypatch, libpq, "run")
    through_cursors: list[str] = []
    listen = (
        services.db.engine.sync_engine,
        "before_cursor_execute",
        lambda *a: through_cursors.append(a[2]),
    )
    event.listen(*listen)
    try:
        listed = {entry["id"]: entry for entry in await conversation_list(client, emma)}
    finally:
        event.remove(*listen)
    assert len(trips) == 2 and through_cursors == []
    assert set(listed) == {direct, group["id"], lesson["id"]}
    assert listed[direct]["name"] == "Maria Jensen"
    assert listed[direct]["working_hours_notice"] == (
        f"Maria Jensen usually answers between {hours['start']} and {hours['end']}"
    )
    assert listed[group["id"]]["unread"] == 1 and listed[lesson["id"]]["unread"] == 1
