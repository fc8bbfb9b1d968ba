"""Benchmark (issue 7): a mass message to 10,000 recipients — time to accept, and time until every recipient's
panel shows it.

Imports the generated roster of ``roster_import.py`` (10,000 people in a district of 10 schools), makes a district
administrator with the mass messaging privilege, and sends to every role of the district through the API
(in-process ASGI, with the app's own background worker running). "Shown" means the recipient's
``GET /api/conversations`` lists the message: the job is done when every membership is written, and then a sample
of recipients' panels is read to confirm it.

    .venv/bin/python bench/mass_message.py sqlite+aiosqlite:///bench/results/mass.db
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from roster_import import generate
from timing import one_shot
from schoolchat.app import create_app
from schoolchat.auth.actions import insert_token
from schoolchat.auth.passwords import hash_password
from schoolchat.config import Settings
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.administration import writes
from schoolchat.people.models import orgs, users
from schoolchat.administration.roster.apply import import_roster
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services


async def _token(services: Services, user_id: int) -> str:
    async with services.db.write() as tx:
        return (await insert_token(tx, services.settings.secret_key, user_id, kind="bearer",
                                   lifetime=timedelta(hours=1))).token


async def district_with_sender(services: Services) -> tuple[int, dict[str, str]]:
    """The generated roster's 10,000 people, and a district admin with the mass messaging privilege: the district's
    id and the sender's request headers."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "roster")
        assert (await import_roster(services, Path(tmp) / "roster")).ok
    async with services.db.write() as tx:
        district = (await tx.conn.execute(select(orgs.c.id).where(orgs.c.kind == "district"))).scalar_one()
        sender = await writes.insert_user(tx, username="bench.sender", password_hash=hash_password("x" * 12),
                                           name="Bench Sender")
        await writes.put_role(tx, sender, district, "admin")
        await tx.conn.execute(users.update().where(users.c.id == sender).values(mass_messaging=True))
    return district, {"Authorization": f"Bearer {await _token(services, sender)}"}


async def run(url: str) -> dict[str, object]:
    upgrade(url)
    settings = Settings(database_url=url, secret_key="bench-secret-key-0123456789")
    db = Database(url)
    services = Services(settings, db, MemoryBus())
    app = create_app(settings, db=db, bus=services.bus)
    district, headers = await district_with_sender(services)
    sample = [1, 5_000, 9_999]  # user ids spread over the roster
    sample_headers = [{"Authorization": f"Bearer {await _token(services, user_id)}"} for user_id in sample]
    app.state.mass_messages.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            started = time.perf_counter()
            accepted = await client.post("/api/mass-messages", headers=headers, json={
                "org_ids": [district], "roles": ["student", "teacher", "admin"], "body": "Snow day: schools closed."})
            accept_s = time.perf_counter() - started
            assert accepted.status_code == 202, accepted.text
            job_id, progress = accepted.json()["id"], []
            while True:
                job = (await client.get(f"/api/mass-messages/{job_id}", headers=headers)).json()
                progress.append((round(time.perf_counter() - started, 2), job["processed"]))
                if job["status"] in ("done", "failed"):
                    break
                await asyncio.sleep(0.2)
            delivered_s = time.perf_counter() - started
            for who in sample_headers:
                listed = (await client.get("/api/conversations", headers=who)).json()["conversations"]
                assert listed and listed[0]["kind"] == "mass" and listed[0]["icon"] == "megaphone", listed[:1]
            shown_s = time.perf_counter() - started
    finally:
        await app.state.mass_messages.stop()
        await db.dispose()
    return {"database": db.dialect, "recipients": job["total"], "delivered": job["delivered"],
            "status": job["status"], "accept_ms": round(accept_s * 1000, 1),
            "all_memberships_written_s": round(delivered_s, 2), "sample_panels_show_it_s": round(shown_s, 2),
            "progress_samples": progress[:: max(1, len(progress) // 8)]}


def main() -> None:
    one_shot(__doc__, run, "mass-message")


if __name__ == "__main__":
    main()
