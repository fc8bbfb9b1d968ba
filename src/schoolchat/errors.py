"""The one error shape: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from schoolchat import error_texts

BUSY_RETRY_AFTER = 5  # seconds a client is asked to wait when the process has no database connection free


class ErrorDetail(BaseModel):
    """What went wrong: ``code`` to branch on (never translated), ``message`` to show (in the reader's language),
    ``details`` with what the code names (e.g. ``fields`` of a 422, ``limit`` and ``retry_after`` of a 429)."""

    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(BaseModel):
    """Every error answer, whatever its status: the OpenAPI document names this for each (openapi.py)."""

    error: ErrorDetail


class ApiError(Exception):
    """An error a caller sees; ``message`` is user-visible text (the reference's wording where it has one)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers  # e.g. Retry-After on a 429


def not_found(what: str = "conversation") -> ApiError:
    """404 for both 'does not exist' and 'not yours', so existence never leaks."""
    return ApiError(404, "not_found", error_texts.not_found(what), {"object": what})


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body of every error answer, shaped as ``ErrorOut`` (tests/openapi_check.py holds each one to it)."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _validation_fields(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Each input error with its field and its sentence in the reader's language (error_texts)."""
    fields = []
    for err in exc.errors():
        kind = str(err.get("type", ""))
        message = error_texts.input_error(kind, err.get("ctx"))
        if kind == "json_invalid":  # its loc is ("body", character position): no field to name
            fields.append({"field": error_texts.request_body(), "message": message, "type": kind})
            continue
        loc = [str(part) for part in err.get("loc", ())]
        fields.append(
            {"field": ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc), "message": message, "type": kind}
        )
    return fields


def response_for(exc: ApiError) -> JSONResponse:
    """The answer to an ApiError, wherever it is raised (a route, or the ASGI layers before one)."""
    return JSONResponse(
        error_body(exc.code, exc.message, exc.details), status_code=exc.status, headers=exc.headers
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return response_for(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _validation_fields(exc)
        first = fields[0] if fields else {"field": "", "message": error_texts.invalid_request()}
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return JSONResponse(error_body("invalid_request", message, {"fields": fields}), status_code=422)

    @app.exception_handler(PoolTimeout)
    async def _busy(_: Request, _exc: PoolTimeout) -> JSONResponse:
        """Every database connection of the process stayed in use for the pool's whole wait (30 s)."""
        return JSONResponse(
            error_body("busy", error_texts.busy()),
            status_code=503,
            headers={"Retry-After": str(BUSY_RETRY_AFTER)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthenticated",
            413: "body_too_large",
        }.get(exc.status_code, "http_error")
        # Only the HTTP layer raises these (no route, wrong method): its English detail gives way to ours.
        message = error_texts.http_refusal(exc.status_code) or str(exc.detail)
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )
