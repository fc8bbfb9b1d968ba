"""A teacher opens Messages from a course page of a learning platform (LTI 1.3): schoolchat runs on one origin
(localhost), the test platform on another (127.0.0.1), and the course page frames schoolchat. The teacher lands in
the course's conversation inside the frame, signed in by the launch alone, and a message another person sends
through the API arrives there live."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine, update

from schoolchat.auth.passwords import hash_password
from schoolchat.people.models import users
from tests.lti.platform import Course, LearningPlatform, PlatformServer, PlatformUser
from tests.openapi_check import checking_server_sync
from tests.realtime.harness import free_port
from tests.web.conftest import browser_tests_env, running, schoolchat_command
from tests.web.steps import screenshot

ROSTER = Path(__file__).parents[2] / "samples" / "oneroster"
PASSWORD = "launch-test-password"
COURSE = "Biology 10A, Fall"


@dataclass
class Tool:
    url: str
    admin: httpx.Client
    student: httpx.Client


def _api(url: str, username: str) -> httpx.Client:
    token = httpx.post(f"{url}/api/auth/tokens", json={"username": username, "password": PASSWORD}).json()
    return httpx.Client(
        base_url=url,
        headers={"Authorization": f"Bearer {token['access_token']}"},
        event_hooks={"response": [checking_server_sync(url)]},
    )


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tool]:
    """schoolchat with the sample roster imported; its district admin and a student were given passwords."""
    env = browser_tests_env()
    data_dir = tmp_path_factory.mktemp("lti-tool")
    env.update(SCHOOLCHAT_DATA_DIR=str(data_dir), SCHOOLCHAT_SECRET_KEY="lti-browser-test-secret-0123456789")
    subprocess.run(schoolchat_command("import-roster", str(ROSTER)), env=env, check=True, capture_output=True)
    engine = create_engine(f"sqlite:///{data_dir / 'schoolchat.db'}")
    with engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.username.in_(["astrid.vik", "ella.nygaard"]))
            .values(password_hash=hash_password(PASSWORD))
        )
    engine.dispose()
    port = free_port()
    # the browser reaches schoolchat as localhost: another site than the platform's 127.0.0.1
    with running(
        schoolchat_command("serve", "--port", str(port)),
        env,
        f"http://localhost:{port}",
        data_dir / "server.log",
    ) as url:
        admin, student = _api(url, "astrid.vik"), _api(url, "ella.nygaard")
        yield Tool(url, admin, student)
        admin.close()
        student.close()


@pytest.fixture
def platform(tool: Tool) -> Iterator[LearningPlatform]:
    """The test platform, registered with schoolchat by the district's admin through the admin API."""
    platform = LearningPlatform(
        tool_login_url=f"{tool.url}/lti/login",
        tool_launch_url=f"{tool.url}/lti/launch",
        users={"hanne": PlatformUser("u-teacher-1", "Hanne Moe")},
        courses={"bio": Course("class-bio-10a", COURSE)},
    )
    server = PlatformServer(platform)
    district = next(
        org["id"] for org in tool.admin.get("/api/admin/orgs").json() if org["kind"] == "district"
    )
    registered = tool.admin.post(f"/api/admin/orgs/{district}/lti-platforms", json=platform.registration())
    assert registered.status_code == 201, registered.text
    yield platform
    tool.admin.delete(f"/api/admin/lti-platforms/{registered.json()['id']}")
    server.close()


def _course_id(tool: Tool) -> int:
    hits = tool.student.get("/api/recipients", params={"q": "Biology"}).json()["courses"]
    return int(next(hit["id"] for hit in hits if hit["name"] == COURSE))


def test_a_teacher_launched_from_a_course_page_lands_in_its_conversation_in_the_frame_with_live_updates(
    browser: Browser, tool: Tool, platform: LearningPlatform
) -> None:
    started = tool.student.post(
        "/api/conversations",
        json={
            "recipients": {"people": [], "courses": [_course_id(tool)], "projects": []},
            "mode": "group",
            "message": {"body": "Is the lab report due on Friday?", "client_message_id": "lti-1"},
        },
    )
    assert started.status_code in (200, 201), started.text
    conversation = started.json()["conversation"]["id"]

    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(f"{platform.url}/course/bio?user=hanne")
        frame = page.frame_locator("#messages")
        expect(frame.locator("#conversation-title")).to_have_text(COURSE)
        expect(frame.locator(".message", has_text="Is the lab report due on Friday?")).to_be_visible()
        assert page.frames[1].url.startswith(f"{tool.url}/embed#c{conversation}")
        expect(frame.locator("body[data-connection=live]")).to_be_attached()

        sent = tool.student.post(
            f"/api/conversations/{conversation}/messages",
            json={"body": "And may we hand it in as a PDF?", "client_message_id": "lti-2"},
        )
        assert sent.status_code in (200, 201), sent.text
        expect(frame.locator(".message", has_text="And may we hand it in as a PDF?")).to_be_visible()

        # the badge counts what arrives elsewhere: a 1:1 from the student
        teacher = tool.student.get("/api/recipients", params={"q": "Hanne"}).json()["people"][0]["id"]
        direct = tool.student.post(
            "/api/conversations",
            json={
                "recipients": {"people": [teacher], "courses": [], "projects": []},
                "message": {"body": "Sorry, one more question", "client_message_id": "lti-3"},
            },
        )
        assert direct.status_code in (200, 201), direct.text
        expect(frame.locator("#chat-badge")).to_have_text("1")

        frame.get_by_role("textbox", name=re.compile("^Write message to")).fill("Yes, a PDF is fine.")
        frame.get_by_role(
            "button", name="Send"
        ).click()  # a write from the frame: the CSRF token came with the page
        expect(frame.locator(".message .body", has_text="Yes, a PDF is fine.")).to_be_visible()
        screenshot(page, "lti-launch")
    finally:
        context.close()
