"""No input makes a 500, and nothing the schema forbids is accepted: Schemathesis explores the whole OpenAPI document
against a real `schoolchat serve`, as a student, a teacher and a school admin.

The run is the `st` command line over the served /openapi.json with the caller's bearer token (the document
declares the bearer and session schemes, so `ignored_auth` also checks that each operation refuses a request
without them). Checks: no 5xx (`not_a_server_error`), a request the schema forbids is refused
(`negative_data_rejection`), and one without credentials is too (`ignored_auth`). Phases examples, coverage and
fuzzing with a few examples per operation and a fixed seed keep each role's run short and repeatable; the cases
this found are tests of their own in tests/test_inputs.py.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx
import pytest

from schoolchat.config import Settings
from tests.calls import sent, started
from tests.factories import Factory, Person
from tests.realtime.harness import end_process
from tests.realtime.processes import ServeProcess

ST = Path(sys.executable).with_name("st")
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 5
RUN_TIMEOUT_SECONDS = (
    300  # a safety net only: each role's run takes well under a minute here (docs/performance.md)
)
# positive_data_acceptance is left out: the reference's rules that no JSON schema states (a name or message empty
# once trimmed, one communication rule per pair of roles, at least one recipient, a file's real type) refuse valid
# shapes with 422/415 by design.
CHECKS = "not_a_server_error,negative_data_rejection,ignored_auth"
# Logging out would end the caller's token for the rest of the run: the access matrix and tests/auth cover it.
EXCLUDED = ["/api/auth/logout"]


async def _world(client: httpx.AsyncClient, make: Factory) -> dict[str, Person]:
    """Something of every kind for the generated ids to hit (ids start at 1): people, a course with its
    conversation, a group, messages, a report; the callers come last, so that small ids are other people's."""
    student, peer, teacher = (
        await make.person("Sara Student"),
        await make.person("Per Peer"),
        await make.person("Tia Teacher", "teacher"),
    )
    course = await make.space("Biology", teachers=[teacher], students=[student, peer])
    await started(client, teacher, courses=[course.id], mode="group", body="welcome to biology")
    group = (
        await started(
            client, student, people=[peer.id, teacher.id], mode="group", name="Study group", body="hello"
        )
    )["conversation"]["id"]
    message = await sent(client, peer, group, "a mean remark")
    report = await client.post(
        f"/api/messages/{message['id']}/report", json={"reason": "mean"}, headers=student.headers
    )
    assert report.status_code == 201, report.text
    admin = await make.person("Ada Admin", "admin")
    return {"student": student, "teacher": teacher, "admin": admin}


async def _run_schemathesis(url: str, caller: Person, report_dir: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(ST),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/openapi.json",
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {caller.token}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        "11",
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
        "--suppress-health-check",
        "all",
        "--report-dir",
        str(report_dir),
        *[arg for path in EXCLUDED for arg in ("--exclude-path", path)],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        async with asyncio.timeout(RUN_TIMEOUT_SECONDS):
            output, _ = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await end_process(process)
    return process.returncode or 0, output.decode(errors="replace")


@pytest.mark.parametrize("role", ["student", "teacher", "admin"])
async def test_no_generated_request_makes_a_server_error_or_is_accepted_against_the_schema(
    client: httpx.AsyncClient, make: Factory, settings: Settings, tmp_path: Path, role: str
) -> None:
    callers = await _world(client, make)
    server = ServeProcess(
        {
            "SCHOOLCHAT_DATABASE_URL": settings.effective_database_url,
            "SCHOOLCHAT_SECRET_KEY": settings.secret_key,
            "SCHOOLCHAT_DATA_DIR": str(tmp_path),
        }
    )
    await server.start()
    try:
        code, output = await _run_schemathesis(server.url, callers[role], tmp_path / "report")
    finally:
        await server.stop()
    assert code == 0, output[-20_000:]
