"""Benchmark (issue 12): what a launch from a learning platform costs schoolchat.

The in-process app (httpx's ASGI transport, as https) and the test platform of tests/lti on 127.0.0.1; a teacher
known to the roster launches from a course 200 times. Times schoolchat's two steps separately — the login
initiation (a state row) and the signed launch (take the state, check the RS256 signature against the cached key
set, the claims, find person, course and conversation, make the session) — with this process's CPU per call; the
platform's own step (signing) is not counted.

    .venv/bin/python bench/lti_launch.py sqlite+aiosqlite:///bench/results/lti.db
    .venv/bin/python bench/lti_launch.py postgresql+psycopg://postgres@127.0.0.1:5432/lti_bench
"""

from __future__ import annotations

import re
import sys
import time
from html import unescape
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).parents[1]))  # the test platform lives with the tests

from rich.console import Console  # noqa: E402

from schoolchat.app import create_app  # noqa: E402
from schoolchat.auth.queries import load_actor  # noqa: E402
from schoolchat.config import Settings  # noqa: E402
from schoolchat.db import Database  # noqa: E402
from schoolchat.db.migrate import upgrade  # noqa: E402
from schoolchat.lti.actions import register_platform  # noqa: E402
from schoolchat.lti.schemas import PlatformIn  # noqa: E402
from schoolchat.administration import writes  # noqa: E402
from schoolchat.administration.roster.models import roster_ids  # noqa: E402
from schoolchat.realtime.bus import MemoryBus  # noqa: E402
from schoolchat.services import Services  # noqa: E402
from tests.lti.platform import Course, LearningPlatform, PlatformServer, PlatformUser  # noqa: E402
from timing import one_shot, summarise, table  # noqa: E402

TOOL = "https://bench.schoolchat"
LAUNCHES, WARMUP = 200, 10


async def run(database_url: str) -> dict[str, Any]:
    upgrade(database_url)
    db = Database(database_url)
    async with db.write() as tx:
        school = await writes.insert_org(tx, name="Bench School", kind="school", parent_id=None)
        admin = await writes.insert_user(tx, username="bench-admin", password_hash="!", name="Bench Admin")
        teacher = await writes.insert_user(tx, username="bench-teacher", password_hash="!", name="Bench Teacher")
        await writes.put_role(tx, admin, school, "admin")
        await writes.put_role(tx, teacher, school, "teacher")
        course = await writes.insert_space(tx, kind="course", name="Bench course", org_id=school)
        await tx.conn.execute(insert(roster_ids), [{"kind": "user", "sourced_id": "u-teacher", "local_id": teacher},
                                                   {"kind": "class", "sourced_id": "class-1", "local_id": course}])
    settings = Settings(database_url=database_url, secret_key="bench-secret-0123456789")
    platform = LearningPlatform(tool_login_url=f"{TOOL}/lti/login", tool_launch_url=f"{TOOL}/lti/launch",
                                users={"t": PlatformUser("u-teacher", "Bench Teacher")},
                                courses={"c": Course("class-1", "Bench course")})
    server = PlatformServer(platform)
    bus = MemoryBus()
    app = create_app(settings, db=db, bus=bus)
    async with db.read() as conn:
        actor = await load_actor(conn, admin)
    assert actor is not None
    await register_platform(Services(settings, db, bus), actor, school,
                            PlatformIn(**platform.registration()).model_dump())
    logins: list[float] = []
    launches: list[float] = []
    login_cpu: list[float] = []
    launch_cpu: list[float] = []
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=TOOL) as tool, \
                httpx.AsyncClient() as browser:
            for i in range(WARMUP + LAUNCHES):
                started, cpu = time.perf_counter(), time.process_time()
                initiated = await tool.get("/lti/login", params=platform.login_query("t", "c"))
                login_s, login_c = time.perf_counter() - started, time.process_time() - cpu
                page = (await browser.get(initiated.headers["location"])).text
                fields = {name: unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}
                started, cpu = time.perf_counter(), time.process_time()
                landed = await tool.post("/lti/launch", data=fields)
                launch_s, launch_c = time.perf_counter() - started, time.process_time() - cpu
                assert landed.status_code == 303, landed.text
                if i >= WARMUP:
                    logins.append(login_s)
                    login_cpu.append(login_c)
                    launches.append(launch_s)
                    launch_cpu.append(launch_c)
    finally:
        server.close()
        await db.dispose()
    summaries = [summarise("login initiation", logins, cpu_seconds=login_cpu),
                 summarise("signed launch", launches, cpu_seconds=launch_cpu)]
    Console().print(table("LTI launch", summaries))
    return {"database": db.engine.dialect.name, "launches": LAUNCHES, "results": [s.as_dict() for s in summaries]}


if __name__ == "__main__":
    one_shot(__doc__, run, "lti_launch")
