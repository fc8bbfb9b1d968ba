"""A school whose roster knows a teacher, a student and their course, the test platform serving on 127.0.0.1, and
its registration made by the school's admin through the admin API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import insert

from schoolchat.administration.roster.models import roster_ids
from schoolchat.config import Settings
from schoolchat.services import Services
from tests.calls import started
from tests.factories import Factory, Person, Space
from tests.lti.platform import Course, LearningPlatform, PlatformServer, PlatformUser
from tests.openapi_check import app_client

TOOL = "https://testserver"  # the tool is served over https here, as in production: its cookies are Secure


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"lti_jwks_min_refresh_seconds": 0})


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with app_client(app, TOOL) as http:
        yield http


@pytest.fixture
def platform() -> Iterator[LearningPlatform]:
    platform = LearningPlatform(tool_login_url=f"{TOOL}/lti/login", tool_launch_url=f"{TOOL}/lti/launch")
    server = PlatformServer(platform)
    yield platform
    server.close()


@dataclass
class School:
    admin: Person
    teacher: Person
    student: Person
    course: Space
    course_conversation: int
    platform_id: int


async def add_roster_ids(services: Services, kind: str, ids: dict[str, int]) -> None:
    """What a roster import leaves behind: the sourcedId each local person or course came from."""
    async with services.db.write() as tx:
        await tx.conn.execute(
            insert(roster_ids),
            [{"kind": kind, "sourced_id": sourced, "local_id": local} for sourced, local in ids.items()],
        )


@pytest.fixture
async def school(
    client: httpx.AsyncClient, make: Factory, services: Services, platform: LearningPlatform
) -> School:
    admin = await make.person("Ada Admin", "admin")
    teacher = await make.person("Tove Teacher", "teacher")
    student = await make.person("Sam Student")
    course = await make.space("Biology 10A", teachers=[teacher], students=[student])
    await add_roster_ids(services, "user", {"u-teacher": teacher.id, "u-student": student.id})
    await add_roster_ids(services, "class", {"class-bio": course.id})
    conversation = await started(client, student, courses=[course.id], mode="group", body="Hello class")
    platform.users.update(
        {
            "teacher-hint": PlatformUser("u-teacher", "Tove Teacher", person_sourcedid="sis-teacher"),
            "student-hint": PlatformUser("u-student", "Sam Student"),
            "stranger-hint": PlatformUser("u-nobody", "Nora Nobody"),
        }
    )
    platform.courses.update(
        {
            "bio": Course("class-bio", "Biology 10A", section_sourcedid="sis-bio"),
            "chemistry": Course("class-chemistry", "Chemistry 10A"),
        }
    )
    answer = await client.post(
        f"/api/admin/orgs/{make.school}/lti-platforms", json=platform.registration(), headers=admin.headers
    )
    assert answer.status_code == 201, answer.text
    return School(admin, teacher, student, course, conversation["conversation"]["id"], answer.json()["id"])


async def launch(
    client: httpx.AsyncClient,
    platform: LearningPlatform,
    login_hint: str,
    course: str | None = "bio",
    *,
    accept: str = "application/json",
    **login: str,
) -> httpx.Response:
    """What a browser does: the login initiation, the platform's auth endpoint (over real HTTP), and the form_post
    of the id_token back to schoolchat (with the state cookie the initiation set)."""
    initiated = await client.get(
        "/lti/login", params=platform.login_query(login_hint, course, **login), headers={"accept": accept}
    )
    if initiated.status_code != 302:
        return initiated
    async with httpx.AsyncClient() as browser:
        page = await browser.get(initiated.headers["location"])
    assert page.status_code == 200, page.text
    return await post_form(client, page.text, accept=accept)


def form_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page))


async def post_form(
    client: httpx.AsyncClient, page: str, *, accept: str = "application/json"
) -> httpx.Response:
    import html

    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    fields = {name: html.unescape(value) for name, value in form_fields(page).items()}
    return await client.post(action, data=fields, headers={"accept": accept})
