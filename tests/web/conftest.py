"""A real `schoolchat demo` server on a free port with a fresh SQLite file, and Debian's Chromium driven by
Playwright. Without Chromium the browser tests are skipped with the reason, except under CI=true, where that fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.realtime.harness import free_port, stop_process

CHROMIUM = os.environ.get("SCHOOLCHAT_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "schoolchat-demo"
WELCOME = re.compile(r"^(Welcome|Velkommen|Velkomen), ")  # the platform page's greeting in en, nb and nn
ASSETS = Path(__file__).parents[2] / "src" / "schoolchat" / "web" / "static" / "app.js"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)")
    pytest.skip(reason)


@contextmanager
def running(command: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[str]:
    """A `schoolchat` server process, until the block ends; ``log`` keeps its own account of a failure."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{' '.join(command[1:])} exited: {log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command[1:])} did not start within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        stop_process(process)


def schoolchat_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("schoolchat")), *args]


def browser_tests_env() -> dict[str, str]:
    """The environment without any SCHOOLCHAT_ setting of the caller's."""
    if os.environ.get("SCHOOLCHAT_TEST_DATABASE", "sqlite") != "sqlite":
        pytest.skip("the browser tests run in the SQLite pass: the UI speaks only to the API")
    if not ASSETS.is_file():
        _unavailable("the UI is not built: run `make web`")
    return {k: v for k, v in os.environ.items() if not k.startswith("SCHOOLCHAT_")}


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo school served by the `schoolchat` command, as a user would start it."""
    env = browser_tests_env()
    port = free_port()
    data_dir = tmp_path_factory.mktemp("web-demo")
    env["SCHOOLCHAT_DATA_DIR"] = str(data_dir)
    # One demo school serves every browser test of the session, and the tests fill histories through the API as
    # the same demo people: far more sends in an hour than a person makes. The limits have tests of their own
    # (tests/ratelimit), so here they are set out of the way.
    env["SCHOOLCHAT_RATE_SENDS"] = "1000/10 seconds"
    # The privacy round (exports, erasures, retention runs) every second, so that a page following one sees it end
    # soon; how often it runs is no part of what these tests check.
    env["SCHOOLCHAT_PRIVACY_JOB_INTERVAL_SECONDS"] = "1"
    with running(
        schoolchat_command("demo", "--port", str(port)),
        env,
        f"http://127.0.0.1:{port}",
        data_dir / "server.log",
    ) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


Login = Callable[..., object]


@pytest.fixture(scope="session")
def sessions() -> dict[str, Any]:
    """Each person logs in through the login page once per run; later contexts reuse the cookie and CSRF token."""
    return {}


@pytest.fixture
def login(browser: object, base_url: str, sessions: dict[str, Any]) -> Iterator[Login]:
    """``login(username, width=1200)``: a new browser context (its own cookies) logged in on the platform page."""
    from playwright.sync_api import Browser, Page, WebSocketRoute, expect

    assert isinstance(browser, Browser)
    contexts = []

    def log_in(
        username: str,
        width: int = 1200,
        height: int = 800,
        hub: Callable[[WebSocketRoute], None] | None = None,
        live: bool = True,
        **options: Any,
    ) -> Page:
        """``hub``: sees (and may cut) every socket to the hub; ``live``: wait until real time is connected;
        ``options``: more browser context options."""
        context = browser.new_context(
            viewport={"width": width, "height": height},
            base_url=base_url,
            accept_downloads=True,
            storage_state=sessions.get(username),
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if hub is not None:
            context.route_web_socket(re.compile(r"/hubs/messages"), hub)
        page = context.new_page()
        page.goto("/")
        if username not in sessions:  # by id: the login page speaks the browser's language
            page.locator("#username").fill(username)
            page.locator("#password").fill(PASSWORD)
            page.locator("#login-form button[type=submit]").click()
        expect(page.locator("#content h1", has_text=WELCOME)).to_be_visible()
        sessions.setdefault(username, context.storage_state())
        if live:
            expect(page.locator("body[data-connection=live]")).to_be_attached()
        return page

    yield log_in
    for context in contexts:
        context.close()
