"""Benchmark (issue 13): a mass message to 10,000 people with email notifications on — the time until every email
has been accepted by a local SMTP server (aiosmtpd, in this process), and the cost per notification.

The roster of ``roster_import.py`` (10,000 people, each given an email address), a mass message to all of them
delivered by the mass message worker, then the notification worker: one round at the message's own time (the job
is expanded into 10,000 due items; nothing is due yet) and one ten minutes later ("soon": every email is grouped,
rendered from the current rows and sent over one reused SMTP connection).

    cd bench && ../.venv/bin/python notify_mass.py sqlite+aiosqlite:///results/notify.db
    cd bench && ../.venv/bin/python notify_mass.py postgresql+psycopg://postgres@127.0.0.1:5432/notify_bench
"""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from mass_message import district_with_sender
from timing import one_shot
from schoolchat.app import create_app
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.db.types import utcnow
from schoolchat.notifications.models import notification_sends
from schoolchat.notifications.worker import NotificationWorker
from schoolchat.people.models import users
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services


class Counter:
    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.accepted += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run(url: str) -> dict[str, object]:
    upgrade(url)
    counter, port = Counter(), _free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    settings = Settings(database_url=url, secret_key="bench-secret-key-0123456789", smtp_host="127.0.0.1",
                        smtp_port=port, smtp_security="none", smtp_from="schoolchat <noreply@bench.test>")
    db = Database(url)
    services = Services(settings, db, MemoryBus())
    app = create_app(settings, db=db, bus=services.bus)
    try:
        district, headers = await district_with_sender(services)
        async with db.write() as tx:
            await tx.conn.execute(update(users).values(email=users.c.username + "@bench.test"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            accepted = await client.post("/api/mass-messages", headers=headers, json={
                "org_ids": [district], "roles": ["student", "teacher", "admin"], "body": "Snow day: schools closed."})
            assert accepted.status_code == 202, accepted.text
        await app.state.mass_messages.drain()
        worker = NotificationWorker(services)
        sent_at = utcnow()
        wall, cpu = time.perf_counter(), time.process_time()
        await worker.tick(sent_at)
        expand_s, expand_cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        delivered = await worker.tick(sent_at + timedelta(minutes=settings.notify_soon_minutes))
        send_s, send_cpu = time.perf_counter() - wall, time.process_time() - cpu
        async with db.read() as conn:
            recorded = (await conn.execute(select(func.count()).select_from(notification_sends)
                                           .where(notification_sends.c.status == "sent"))).scalar_one()
    finally:
        await db.dispose()
        smtp.stop()
    assert counter.accepted == delivered == recorded, (counter.accepted, delivered, recorded)
    total_s, total_cpu = expand_s + send_s, expand_cpu + send_cpu
    return {"database": db.dialect, "emails_accepted_by_smtp": counter.accepted, "load_average": os.getloadavg(),
            "expand_s": round(expand_s, 2), "group_render_send_s": round(send_s, 2),
            "until_every_email_accepted_s": round(total_s, 2),
            "wall_ms_per_notification": round(total_s * 1000 / counter.accepted, 3),
            "cpu_ms_per_notification": round(total_cpu * 1000 / counter.accepted, 3),
            "cpu_note": "process CPU: the worker and the aiosmtpd server thread together"}


def main() -> None:
    one_shot(__doc__, run, "notify-mass")


if __name__ == "__main__":
    main()
