"""Routes for the browser UI: the HTML pages and the assets esbuild builds from ``ui/`` into ``static/``.

The pages carry a strict Content-Security-Policy (no inline scripts or styles, nothing from other origins); the
UI talks to the same /api and /hubs/messages as every other client. Only the registered learning platforms' pages
may frame them (``frame-ancestors``; none registered: ``'none'``). ``/embed`` is the messages panel alone, where a
launch from a platform lands inside the platform's frame.
"""

from __future__ import annotations

import html
from pathlib import Path
from string import Template
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from schoolchat.auth.cache import cache_for
from schoolchat.auth.deps import SESSION_COOKIE
from schoolchat.auth.queries import authenticate
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.i18n.context import reader_language
from schoolchat.lti import texts as lti_texts
from schoolchat.lti.queries import frame_origins
from schoolchat.services import Services, ServicesDep
from schoolchat.web import texts as web_texts

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors "
)

router = APIRouter(include_in_schema=False)


async def page_headers(services: Services) -> dict[str, str]:
    async with services.db.read() as conn:
        ancestors = " ".join(await frame_origins(conn)) or "'none'"
    return {
        "Content-Security-Policy": CSP + ancestors,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


async def _page(services: Services, name: str) -> Response:
    return FileResponse(TEMPLATES / name, media_type="text/html", headers=await page_headers(services))


async def notice_page(services: Services, title: str, message: str, status: int) -> Response:
    """A page that only says something (why a launch from a platform was refused), also inside a frame."""
    text = Template((TEMPLATES / "notice.html").read_text()).substitute(
        title=html.escape(title), message=html.escape(message), lang=reader_language()
    )
    return HTMLResponse(text, status_code=status, headers=await page_headers(services))


@router.get("/")
async def platform(request: Request, services: ServicesDep) -> Response:
    """The demo learning platform with the chat bubble; without a session, the login page instead."""
    if SESSION_COOKIE not in request.cookies:  # a link from a notification opens its conversation after login
        target = f"/login?{urlencode({'next': f'/?{request.url.query}'})}" if request.url.query else "/login"
        return RedirectResponse(target, status_code=303)
    return await _page(services, "app.html")


@router.get("/embed")
async def embed(request: Request, services: ServicesDep) -> Response:
    """The messages panel alone, in a platform's frame. The session's CSRF token comes in the page (a launch sets
    only the cookie), for the UI to send on writes."""
    token = request.cookies.get(SESSION_COOKIE)
    found = (
        await authenticate(
            services.db, services.settings.secret_key, token, via_cookie=True, cache=cache_for(services)
        )
        if token
        else None
    )
    if found is None:
        if (
            request.headers.get("sec-fetch-dest") == "iframe"
        ):  # the login page's cookie would not reach the frame
            return await notice_page(
                services, lti_texts.refused_title(), lti_texts.framed_session_ended(), 401
            )
        return RedirectResponse("/login", status_code=303)
    page = (
        (TEMPLATES / "app.html")
        .read_text()
        .replace("<body>", f'<body class="embedded" data-csrf="{html.escape(found.csrf_token or "")}">', 1)
    )
    return HTMLResponse(page, headers=await page_headers(services))


@router.get("/sw.js")
async def service_worker() -> Response:
    """The service worker that shows push notifications, at the root so that its scope is the whole site."""
    return _built("sw.js")


@router.get("/login")
async def login(services: ServicesDep) -> Response:
    """In the language the browser asks for (no one is signed in yet); ``<html lang>`` says which."""
    fields = {key: html.escape(value, quote=True) for key, value in web_texts.login_page().items()}
    page = Template((TEMPLATES / "login.html").read_text()).substitute(lang=reader_language(), **fields)
    return HTMLResponse(page, headers=await page_headers(services))


@router.get("/assets/{name}")
async def asset(name: str) -> Response:
    """A built file; only names esbuild wrote into static/ (no paths), so nothing else can be reached."""
    return _built(name)


def _built(name: str) -> Response:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise ApiError(404, "not_found", text("web.no_such_file"))
    return FileResponse(
        path,
        media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
