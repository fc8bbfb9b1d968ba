"""A learning platform for the tests: a small real HTTP server on 127.0.0.1 that publishes its key set, answers
schoolchat's OIDC auth request with an auto-submitted form_post of an id_token signed with its own keys, and serves a
course page that frames schoolchat. Its knobs make the bad launches the refusal tests need."""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
CLIENT_ID = "schoolchat-at-test-platform"
DEPLOYMENT_ID = "deployment-1"


def new_key() -> RSAKey:
    return RSAKey.generate_key(2048, {"kid": secrets.token_hex(6), "use": "sig", "alg": "RS256"}, True)


@dataclass
class PlatformUser:
    sub: str
    name: str
    person_sourcedid: str | None = None


@dataclass
class Course:
    id: str
    title: str
    section_sourcedid: str | None = None


@dataclass
class LearningPlatform:
    """``users`` are found by login_hint, ``courses`` by lti_message_hint (as real platforms use them)."""

    tool_login_url: str = ""
    tool_launch_url: str = ""
    users: dict[str, PlatformUser] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    keys: list[RSAKey] = field(default_factory=lambda: [new_key()])  # published; the first signs
    sign_with: RSAKey | None = None  # a key it does not publish (a forged signature)
    claims: dict[str, Any] = field(
        default_factory=dict
    )  # claims to set over the good ones (None removes one)
    auth_error: str | None = None  # answer the auth request with this OIDC error instead of an id_token
    host: str = "127.0.0.1"
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def issuer(self) -> str:
        return self.url

    def rotate_keys(self) -> None:
        """A new signing key, published beside the old one (as platforms roll keys over)."""
        self.keys.insert(0, new_key())

    def registration(self, **changes: Any) -> dict[str, Any]:
        """What an admin enters in schoolchat for this platform."""
        return {
            "name": "Test platform",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "deployment_ids": [DEPLOYMENT_ID],
            "jwks_url": f"{self.url}/jwks",
            "auth_login_url": f"{self.url}/auth",
            "auth_token_url": f"{self.url}/token",
            **changes,
        }

    def login_query(self, login_hint: str, course: str | None = None, **changes: str) -> dict[str, str]:
        """The login initiation a launch from ``course`` (or from the platform's menu) starts with."""
        query = {
            "iss": self.issuer,
            "login_hint": login_hint,
            "target_link_uri": self.tool_launch_url,
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            **changes,
        }
        if course is not None:
            query["lti_message_hint"] = course
        return query

    def id_token(self, request: dict[str, str]) -> str:
        user = self.users[request["login_hint"]]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": request["client_id"],
            "sub": user.sub,
            "name": user.name,
            "iat": now,
            "exp": now + 300,
            "nonce": request["nonce"],
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": DEPLOYMENT_ID,
            LTI + "target_link_uri": request["redirect_uri"],
            LTI + "resource_link": {"id": "messages-link"},
            LTI + "roles": [],
            LTI + "lis": {"person_sourcedid": user.person_sourcedid},
        }
        course = self.courses.get(request.get("lti_message_hint", ""))
        if course is not None:
            claims[LTI + "context"] = {
                "id": course.id,
                "title": course.title,
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            }
            claims[LTI + "lis"]["course_section_sourcedid"] = course.section_sourcedid
        for name, value in self.claims.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.sign_with or self.keys[0]
        return jwt.encode({"alg": "RS256", "kid": self.keys[0].kid, "typ": "JWT"}, claims, key)

    def course_page(self, login_hint: str, course: str) -> str:
        """The platform's course page: schoolchat in an iframe, started by the login initiation."""
        src = f"{self.tool_login_url}?{urlencode(self.login_query(login_hint, course))}"
        return (
            f"<!doctype html><title>{html.escape(self.courses[course].title)}</title>"
            f"<h1>{html.escape(self.courses[course].title)}</h1>"
            f'<iframe id="messages" title="Messages" src="{html.escape(src)}" width="900" height="700"></iframe>'
        )

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str, str]:
        if path == "/jwks":
            return (
                200,
                "application/json",
                json.dumps({"keys": [k.as_dict(private=False) for k in self.keys]}),
            )
        if path == "/auth":
            expected = {
                "scope": "openid",
                "response_type": "id_token",
                "response_mode": "form_post",
                "prompt": "none",
                "client_id": CLIENT_ID,
                "redirect_uri": self.tool_launch_url,
            }
            wrong = [name for name, value in expected.items() if query.get(name) != value]
            if (
                wrong
                or not query.get("state")
                or not query.get("nonce")
                or query.get("login_hint") not in self.users
            ):
                return (
                    400,
                    "text/plain",
                    f"bad authentication request: {wrong or 'state, nonce or login_hint'}",
                )
            fields = (
                {"error": self.auth_error, "state": query["state"]}
                if self.auth_error
                else {"id_token": self.id_token(query), "state": query["state"]}
            )
            inputs = "".join(
                f'<input type="hidden" name="{n}" value="{html.escape(v)}">' for n, v in fields.items()
            )
            return (
                200,
                "text/html",
                (
                    f'<!doctype html><form method="post" action="{html.escape(query["redirect_uri"])}">'
                    f"{inputs}</form><script>document.forms[0].submit()</script>"
                ),
            )
        if path.startswith("/course/"):
            return 200, "text/html", self.course_page(query["user"], path.removeprefix("/course/"))
        return 404, "text/plain", "not found"


class _Handler(BaseHTTPRequestHandler):
    platform: LearningPlatform

    def _answer(self, query: dict[str, str]) -> None:
        status, media_type, body = self.platform.answer(urlsplit(self.path).path, query)
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._answer({k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()})

    def log_message(self, *_: Any) -> None:
        pass


class PlatformServer:
    """Serves a ``LearningPlatform`` on 127.0.0.1 in a thread until ``close``."""

    def __init__(self, platform: LearningPlatform) -> None:
        handler = type("Handler", (_Handler,), {"platform": platform})
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        platform.port = self.http.server_address[1]
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join()
