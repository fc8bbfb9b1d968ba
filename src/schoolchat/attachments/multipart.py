"""One file out of a ``multipart/form-data`` request body, as a stream.

Starlette's own form parsing reads the whole body (spooling it to disk) before the route runs, so a limit could
only be checked afterwards. Here the body is parsed as it arrives (python-multipart's push parser), and the bytes
of the part named ``file`` are handed on chunk by chunk; counting them as they come is what enforces the size
limit whatever ``Content-Length`` claimed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text

FIELD = "file"
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file


def _bad(message: str) -> ApiError:
    return ApiError(422, "invalid_upload", message, {"field": FIELD})


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None


class FileStream:
    """Feeds the request body to the parser and yields the ``file`` part's bytes; ``filename`` is known as soon as
    ``open`` returns."""

    def __init__(self, request: Request, max_body_bytes: int, too_large: ApiError) -> None:
        content_type, params = parse_options_header(request.headers.get("content-type", ""))
        if content_type != b"multipart/form-data" or b"boundary" not in params:
            raise _bad(text("attachments.not_multipart"))
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body_bytes:
            raise too_large
        self._body = request.stream()
        self._max_body, self._too_large, self._received = max_body_bytes, too_large, 0
        self._header_field, self._header_value = bytearray(), bytearray()
        self._part = _Part()
        self._ready: list[bytes] = []  # file bytes parsed from the last network chunk
        self._file_started = self._file_ended = self._finished = False
        self.filename = ""
        self._parser = MultipartParser(
            params[b"boundary"],
            {
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
            },
        )

    # ---- parser callbacks (synchronous, called from ``write``) ----

    def _on_part_begin(self) -> None:
        self._part = _Part()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        if bytes(self._header_field).lower() == b"content-disposition":
            _, params = parse_options_header(bytes(self._header_value))
            self._part.name = params.get(b"name", b"").decode("utf-8", "replace")
            if b"filename" in params:
                self._part.filename = params[b"filename"].decode("utf-8", "replace")
        self._header_field.clear()
        self._header_value.clear()

    def _is_file(self) -> bool:
        return self._part.name == FIELD and self._part.filename is not None and not self._file_ended

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file():
            if not self._file_started:
                self._file_started = True
                self.filename = self._part.filename or ""
            self._ready.append(data[start:end])

    def _on_part_end(self) -> None:
        if self._is_file():
            if not self._file_started:  # an empty file
                self._file_started = True
                self.filename = self._part.filename or ""
            self._file_ended = True

    # ---- driving the parser ----

    async def _pump(self) -> bool:
        """Parse the next network chunk; False at the end of the body."""
        try:
            chunk = await self._body.__anext__()
        except StopAsyncIteration:
            self._parser.finalize()
            return False
        self._received += len(chunk)
        if self._received > self._max_body:
            raise self._too_large
        try:
            self._parser.write(chunk)
        except MultipartParseError as exc:
            raise _bad(text("attachments.malformed")) from exc
        return True

    async def open(self) -> None:
        """Read until the file part begins (its name is then known)."""
        while not self._file_started:
            if not await self._pump():
                raise _bad(text("attachments.no_file"))

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes as they arrive; the rest of the body is read (and counted) to its end."""
        while True:
            while self._ready:
                yield self._ready.pop(0)
            if self._finished:
                break
            self._finished = not await self._pump()
        if not self._file_ended:
            raise _bad(text("attachments.truncated"))
