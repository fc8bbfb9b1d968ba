"""Logs (issue 11): one structured line per request, and no secret on any line — checked on the output of a real
`schoolchat serve` after a login, requests with a cookie and with a bearer token, and a hub connection that
carries its token in the query string as the SignalR clients do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schoolchat.config import Settings
from schoolchat.logs import redact_text
from tests.factories import PASSWORD, Factory
from tests.openapi_check import server_client
from tests.realtime.harness import RawHubClient
from tests.realtime.processes import ServeProcess


async def _served_log(
    settings: Settings, tmp_path: Path, log_format: str, make: Factory
) -> tuple[str, dict[str, Any]]:
    """Serve, make the requests, stop; the log and what the requests used and got."""
    ada = await make.person("Ada Lovelace")
    log = tmp_path / "serve.log"
    server = ServeProcess(
        {
            "SCHOOLCHAT_DATABASE_URL": settings.effective_database_url,
            "SCHOOLCHAT_SECRET_KEY": settings.secret_key,
            "SCHOOLCHAT_DATA_DIR": str(tmp_path),
            "SCHOOLCHAT_LOG_FORMAT": log_format,
            "SCHOOLCHAT_LOG_LEVEL": "info",
        },
        log=log,
    )
    await server.start()
    try:
        async with server_client(server.url) as http:
            login = await http.post("/api/auth/login", json={"username": ada.username, "password": PASSWORD})
            assert login.status_code == 200, login.text
            cookie = login.cookies["schoolchat_session"]
            with_cookie = await http.get("/api/me")
            issued = await http.post(
                "/api/auth/tokens", json={"username": ada.username, "password": PASSWORD}
            )
            token = issued.json()["access_token"]
            http.cookies.clear()
            with_bearer = await http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
            assert with_bearer.status_code == 200
        hub = await RawHubClient.connect(server.hub_url, token)
        await hub.close()
    finally:
        await server.stop()
    secrets = {
        "password": PASSWORD,
        "cookie": cookie,
        "csrf": login.json()["csrf_token"],
        "token": token,
        "factory token": ada.token,
    }
    return log.read_text(), {
        "secrets": secrets,
        "user_id": ada.id,
        "answers": [login, with_cookie, with_bearer],
    }


async def test_no_token_password_or_cookie_reaches_the_log(
    settings: Settings, tmp_path: Path, make: Factory
) -> None:
    text, used = await _served_log(settings, tmp_path, "json", make)
    assert "WebSocket /hubs/messages?access_token=[redacted]" in text  # uvicorn's line, scrubbed
    for what, secret in used["secrets"].items():
        assert secret not in text, f"the {what} reached the log"


async def test_each_request_is_one_json_line_with_its_id_user_route_status_and_duration(
    settings: Settings, tmp_path: Path, make: Factory
) -> None:
    text, used = await _served_log(settings, tmp_path, "json", make)
    lines = [json.loads(line) for line in text.splitlines()]
    requests = {line["request_id"]: line for line in lines if line.get("logger") == "schoolchat.access"}
    for answer in used["answers"]:
        line = requests[answer.headers["x-request-id"]]
        assert line["status"] == answer.status_code and line["method"] == answer.request.method
        assert line["route"] == answer.request.url.path and line["duration_ms"] >= 0
    me = [requests[answer.headers["x-request-id"]] for answer in used["answers"][1:]]
    assert [line["user_id"] for line in me] == [used["user_id"]] * 2
    assert requests[used["answers"][0].headers["x-request-id"]]["user_id"] is None  # a login is nobody yet


async def test_the_console_format_is_readable_lines_and_as_clean(
    settings: Settings, tmp_path: Path, make: Factory
) -> None:
    text, used = await _served_log(settings, tmp_path, "console", make)
    assert "request" in text and "route=" in text and not text.lstrip().startswith("{")
    for secret in used["secrets"].values():
        assert secret not in text


def test_secrets_are_scrubbed_from_any_text_a_line_carries() -> None:
    line = (
        'GET /hubs/messages?id=abc&access_token=tok.en-1 Authorization: Bearer abc.DEF_123 '
        'Cookie: schoolchat_session=s3ss10n; theme=dark {"password": "hunter2", "name": "Ada"} Basic dXNlcjpwdw=='
    )
    assert redact_text(line) == (
        'GET /hubs/messages?id=abc&access_token=[redacted] Authorization: Bearer [redacted] '
        'Cookie: schoolchat_session=[redacted]; theme=dark {"password": "[redacted]", "name": "Ada"} Basic [redacted]'
    )
