"""Routes for the browser UI: two HTML pages and the assets esbuild builds from ``ui/`` into ``static/``.

The pages carry a strict Content-Security-Policy (no inline scripts or styles, nothing from other origins); the
UI talks to the same /api and /hubs/messages as every other client.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from schoolchat.auth.deps import SESSION_COOKIE
from schoolchat.errors import ApiError

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PAGE_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                "Cache-Control": "no-store"}

router = APIRouter(include_in_schema=False)


def _page(name: str) -> Response:
    return FileResponse(TEMPLATES / name, media_type="text/html", headers=PAGE_HEADERS)


@router.get("/")
async def platform(request: Request) -> Response:
    """The demo learning platform with the chat bubble; without a session, the login page instead."""
    if SESSION_COOKIE not in request.cookies:  # a link from a notification opens its conversation after login
        target = f"/login?{urlencode({'next': f'/?{request.url.query}'})}" if request.url.query else "/login"
        return RedirectResponse(target, status_code=303)
    return _page("app.html")


@router.get("/sw.js")
async def service_worker() -> Response:
    """The service worker that shows push notifications, at the root so that its scope is the whole site."""
    return _built("sw.js")


@router.get("/login")
async def login() -> Response:
    return _page("login.html")


@router.get("/assets/{name}")
async def asset(name: str) -> Response:
    """A built file; only names esbuild wrote into static/ (no paths), so nothing else can be reached."""
    return _built(name)


def _built(name: str) -> Response:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise ApiError(404, "not_found", "No such file. Build the UI with `make web`.")
    return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
