"""The test OpenID provider: oidc-provider (OpenID-certified) under Node, started once per run on a free port.

Its script, tests/sso/provider/provider.mjs, adds a test-only control surface under /test/: register a client,
choose who the next login for a client is (no login form), rotate the signing keys, and have the token endpoint
return a bad id_token that the script signs with the provider's own keys (wrong aud or iss, expired, nonce missing
or replayed, a changed signature byte), because the certified server refuses to issue such tokens itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.realtime.harness import free_port, stop_process

SCRIPT_DIR = Path(__file__).parent / "provider"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the single sign-on tests must run)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str


class OpenIdProvider:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10)

    def register_client(self, redirect_uri: str, post_logout_redirect_uri: str) -> Client:
        client = Client(f"schoolchat-{uuid.uuid4().hex[:12]}", uuid.uuid4().hex)
        self.http.post(
            "/test/clients",
            json={
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "redirect_uris": [redirect_uri],
                "post_logout_redirect_uris": [post_logout_redirect_uri],
            },
        ).raise_for_status()
        return client

    def log_in_next(
        self, client: Client, sub: str, claims: dict[str, Any] | None = None, tamper: str | None = None
    ) -> None:
        """The next authorization request of ``client`` logs ``sub`` in with ``claims``, without a form."""
        self.http.post(
            "/test/login-as",
            json={"client_id": client.client_id, "sub": sub, "claims": claims or {}, "tamper": tamper},
        ).raise_for_status()

    def rotate_keys(self) -> list[str]:
        """A new signing key signs from now on; the kids served, newest first."""
        response = self.http.post("/test/rotate-keys")
        response.raise_for_status()
        return list(response.json()["kids"])

    def kids(self) -> list[str]:
        return list(self.http.get("/test/keys").json()["kids"])


def _wait_until_listening(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test OpenID provider exited with {process.returncode}")
        try:
            httpx.get(f"{url}/test/keys", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the test OpenID provider did not start within 30 s")


def start_provider() -> Iterator[OpenIdProvider]:
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js is not installed")
    if not (SCRIPT_DIR / "node_modules" / "oidc-provider").is_dir():
        _unavailable(
            "the test OpenID provider is not installed: run `make test` (npm ci in tests/sso/provider)"
        )
    port = free_port()
    process = subprocess.Popen(
        [str(node), str(SCRIPT_DIR / "provider.mjs"), str(port)],
        cwd=SCRIPT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(process, f"http://127.0.0.1:{port}")
        provider = OpenIdProvider(f"http://127.0.0.1:{port}")
        yield provider
        provider.http.close()
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def openid_provider() -> Iterator[OpenIdProvider]:
    yield from start_provider()
