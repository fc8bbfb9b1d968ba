"""Filenames as the uploader's device sent them, made safe to show and to put in a ``Content-Disposition``.

A name is only ever a label: files are stored under random server-chosen keys, so a name never reaches a path.
Cleaning still removes what could mislead a reader or break a header: folders (``../``, ``C:\\``), control
characters (NUL, CR, LF), and bidirectional controls, which can make ``evil\u202egnp.exe`` look like
``evilexe.png``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME_LENGTH = 255
FALLBACK_NAME = "attachment"

# C0 and C1 controls and DEL; bidirectional embeddings, overrides, isolates and marks; other invisible formatters.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]")
_SPACES = re.compile(r"\s+")


def clean(raw: str) -> str:
    """The name shown to participants: the last path component, one line, without invisible characters."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", _SPACES.sub(" ", name)).strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        _, dot, extension = name.rpartition(".")
        keep = extension if dot and len(extension) <= 16 else ""
        name = (
            name[: MAX_NAME_LENGTH - len(keep) - 1].rstrip() + "." + keep if keep else name[:MAX_NAME_LENGTH]
        )
    return name or FALLBACK_NAME


def extension(name: str) -> str:
    """The lower-cased extension of a cleaned name, without the dot; empty when there is none."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII ``filename`` for old clients and the exact name as UTF-8 in ``filename*``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^A-Za-z0-9 !#$&+,.;=@^_`{}~()\[\]-]', "_", ascii_name).strip()
    stem = ascii_name.rpartition(".")[0] if "." in ascii_name else ascii_name
    if not stem.strip():  # a name in another script leaves nothing of itself in ASCII
        ascii_name = f"{FALLBACK_NAME}.{extension(name)}" if extension(name) else FALLBACK_NAME
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
