"""Which files may be sent (§5.2, §6.2): the allow-list of formats, recognised by content with the name agreeing.

A file is accepted when its extension is on the allow-list *and* its first bytes show that format (puremagic),
so an executable renamed ``.pdf`` is refused. Text formats have no magic bytes: they must be UTF-8 without control
characters. Markup that a browser could run is refused wherever it does not belong: HTML is not on the list, a
binary file whose first bytes carry markup (a polyglot such as a GIF that is also a web page) is refused, and an
SVG is accepted only without scripts, event handlers, foreign objects or external references.

The checks run on the stream as it passes (``Inspector.feed``), so nothing is ever held whole in memory.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import puremagic

from schoolchat.attachments.filenames import extension
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text

HEAD_BYTES = 8192  # what magic detection and the polyglot check look at

_ZIP = frozenset({".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"})  # ZIP containers all look alike
_OLE = frozenset({".doc", ".xls", ".ppt"})  # so do the old Office formats
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Format:
    kind: str  # document | image | audio | video | archive
    content_type: str
    magic: frozenset[str]  # extensions puremagic may report for these bytes; empty for text formats
    text: bool = False


FORMATS: dict[str, Format] = {
    # documents
    "pdf": Format("document", "application/pdf", frozenset({".pdf"})),
    "doc": Format("document", "application/msword", _OLE),
    "xls": Format("document", "application/vnd.ms-excel", _OLE),
    "ppt": Format("document", "application/vnd.ms-powerpoint", _OLE),
    "docx": Format(
        "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP
    ),
    "xlsx": Format("document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": Format(
        "document", "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP
    ),
    "odt": Format("document", "application/vnd.oasis.opendocument.text", _ZIP),
    "ods": Format("document", "application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": Format("document", "application/vnd.oasis.opendocument.presentation", _ZIP),
    "rtf": Format("document", "application/rtf", frozenset({".rtf"})),
    "txt": Format("document", "text/plain; charset=utf-8", _NONE, text=True),
    "csv": Format("document", "text/csv; charset=utf-8", _NONE, text=True),
    # images
    "png": Format("image", "image/png", frozenset({".png"})),
    "jpg": Format("image", "image/jpeg", frozenset({".jpg", ".jpeg"})),
    "jpeg": Format("image", "image/jpeg", frozenset({".jpg", ".jpeg"})),
    "gif": Format("image", "image/gif", frozenset({".gif"})),
    "webp": Format("image", "image/webp", frozenset({".webp"})),
    "bmp": Format("image", "image/bmp", frozenset({".bmp"})),
    "heic": Format("image", "image/heic", frozenset({".heic", ".heif"})),
    "svg": Format("image", "image/svg+xml", _NONE, text=True),
    # audio
    "mp3": Format("audio", "audio/mpeg", frozenset({".mp3", ".mpga"})),
    "wav": Format("audio", "audio/wav", frozenset({".wav"})),
    "ogg": Format("audio", "audio/ogg", frozenset({".ogg", ".oga"})),
    "m4a": Format("audio", "audio/mp4", frozenset({".m4a"})),
    "flac": Format("audio", "audio/flac", frozenset({".flac"})),
    # video
    "mp4": Format("video", "video/mp4", frozenset({".mp4", ".m4v"})),
    "mov": Format("video", "video/quicktime", frozenset({".mov"})),
    "webm": Format("video", "video/webm", frozenset({".webm"})),
    # archives
    "zip": Format("archive", "application/zip", _ZIP),
    "7z": Format("archive", "application/x-7z-compressed", frozenset({".7z"})),
}

# Markup a browser would run, in the first bytes of a file that is not markup: a polyglot.
_MARKUP = re.compile(
    rb"<\s*(script|html|body|iframe|svg|object|embed)\b|<!doctype\s+html|javascript:", re.IGNORECASE
)
# What makes an SVG more than a picture.
_SVG_ACTIVE = re.compile(
    rb"<\s*(script|foreignobject|iframe|embed|object|handler|listener)\b|\son[a-z]+\s*=|javascript:|<!entity"
    rb"|<\?xml-stylesheet|(?:xlink:)?href\s*=\s*[\"']?\s*(?!#|data:image/(?:png|jpeg|gif|webp)[;,])[a-z]",
    re.IGNORECASE,
)
_SVG_ROOT = re.compile(rb"<svg[\s>]", re.IGNORECASE)
_SCAN_OVERLAP = 256  # an active pattern split across two chunks is still seen
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def unsupported(name: str) -> ApiError:
    """§5.2: the reference's words, with the (cleaned) name of the file."""
    return ApiError(415, "unsupported_file", text("attachments.unsupported", name=name), {"name": name})


def format_for(name: str) -> Format:
    """The allowed format a cleaned name claims, or the refusal."""
    found = FORMATS.get(extension(name))
    if found is None:
        raise unsupported(name)
    return found


class Inspector:
    """Checks one upload while it streams past; ``feed`` every chunk, then ``finish``. Raises the refusal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.format = format_for(name)
        self._head = bytearray()
        self._head_checked = False
        self._tail = b""
        self._decoder = codecs.getincrementaldecoder("utf-8")() if self.format.text else None
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if not self._head_checked:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
            if len(self._head) >= HEAD_BYTES:
                self._check_head()
        if self._decoder is not None:
            self._check_text(chunk, final=False)

    def finish(self) -> None:
        if self._size == 0:
            raise unsupported(self.name)
        if not self._head_checked:
            self._check_head()
        if self._decoder is not None:
            self._check_text(b"", final=True)

    def _check_head(self) -> None:
        self._head_checked = True
        head = bytes(self._head)
        if self.format.text:
            is_svg = self.format.content_type.startswith("image/svg")
            if is_svg and not _SVG_ROOT.search(head):
                raise unsupported(self.name)
            if not is_svg and _MARKUP.search(head):
                raise unsupported(self.name)
            return
        if _MARKUP.search(head) or not self.format.magic & _magic_extensions(head):
            raise unsupported(self.name)

    def _check_text(self, chunk: bytes, *, final: bool) -> None:
        assert self._decoder is not None
        try:
            text = self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            raise unsupported(self.name) from None
        if _TEXT_CONTROL.search(text):
            raise unsupported(self.name)
        if self.format.content_type.startswith("image/svg"):
            window = self._tail + chunk
            if _SVG_ACTIVE.search(window):
                raise unsupported(self.name)
            self._tail = window[-_SCAN_OVERLAP:]


def _magic_extensions(head: bytes) -> frozenset[str]:
    try:
        return frozenset(match.extension.lower() for match in puremagic.magic_string(head))
    except puremagic.PureError:
        return frozenset()
