"""Cookies that must reach schoolchat inside another site's frame: ``SameSite=None; Secure`` (a browser sends no
other cookie to a framed, cross-site page) and ``Partitioned`` (CHIPS: kept apart per top-level site, which lets
browsers that block third-party cookies keep these). Only the launch sets them; a login on schoolchat's own page
keeps its ``SameSite=Lax`` cookie.

Python before 3.14 cannot write the ``Partitioned`` attribute (Starlette refuses it there), so it is appended to
the header Starlette wrote.
"""

from __future__ import annotations

from starlette.responses import Response


def set_framed_cookie(response: Response, name: str, value: str, *, max_age: int, path: str) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, secure=True, samesite="none")
    header, written = response.raw_headers[-1]
    assert header == b"set-cookie"
    response.raw_headers[-1] = (header, written + b"; Partitioned")
