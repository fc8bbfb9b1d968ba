"""The school the privacy tests work in, and the steps they share."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select

from schoolchat.moderation.models import audit_log
from schoolchat.services import Services
from tests.calls import started
from tests.factories import Factory, Person


@dataclass
class School:
    admin: Person
    teacher: Person
    pupil: Person
    classmate: Person
    course_id: int
    course_chat: int


@pytest.fixture
async def school(client: httpx.AsyncClient, make: Factory) -> School:
    """An admin, and a course whose teacher has welcomed its two pupils in its conversation."""
    admin, teacher = await make.person("Ada Admin", "admin"), await make.person("Maria Jensen", "teacher")
    pupil, classmate = await make.person("Emma Hansen"), await make.person("Noah")
    course = await make.space("Biology", teachers=[teacher], students=[pupil, classmate])
    course_chat = (await started(client, teacher, courses=[course.id], mode="group", body="welcome"))[
        "conversation"
    ]["id"]
    return School(admin, teacher, pupil, classmate, course.id, course_chat)


async def report(client: httpx.AsyncClient, reporter: Person, message_id: int) -> int:
    answer = await client.post(
        f"/api/messages/{message_id}/report", json={"reason": "mean"}, headers=reporter.headers
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["report_id"])


async def audited(services: Services, action: str) -> int:
    """How many audit entries record ``action``."""
    async with services.db.read() as conn:
        return int(
            (
                await conn.execute(
                    select(func.count()).select_from(audit_log).where(audit_log.c.action == action)
                )
            ).scalar_one()
        )
