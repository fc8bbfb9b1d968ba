"""``schoolchat serve --workers N`` refuses what several processes cannot share."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from schoolchat.cli import app

SECRET = "cli-workers-test-secret-0123456789abcdef"


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOOLCHAT_SECRET_KEY", SECRET)
    monkeypatch.setenv("SCHOOLCHAT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SCHOOLCHAT_REDIS_URL", raising=False)
    monkeypatch.delenv("SCHOOLCHAT_DATABASE_URL", raising=False)


def test_serve_with_two_workers_and_no_redis_refuses_to_start(environment: None) -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "SCHOOLCHAT_REDIS_URL" in result.output


def test_serve_with_two_workers_on_sqlite_refuses_to_start(
    environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOOLCHAT_REDIS_URL", "redis://127.0.0.1:1/0")
    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
