"""Checks on text people type: message bodies and display names."""

from __future__ import annotations

import re
import unicodedata

from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text

# C0/C1 controls except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embedding/override/isolate controls: they let a name pose as another ("evil\u202egnp.exe").
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def message_body(body: str, max_length: int, *, allow_empty: bool = False) -> str:
    """The body as stored: line endings normalised, trailing blank space trimmed; refused when too long, or when
    empty unless the message carries files (§5.2: "Files can be sent without accompanying text")."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    if _CONTROL.search(body):
        raise ApiError(422, "invalid_characters", text("validation.invalid_characters"), {"field": "body"})
    if not body.strip() and not allow_empty:
        raise ApiError(422, "empty_message", text("validation.empty_message"), {"field": "body"})
    if len(body) > max_length:
        raise ApiError(
            422,
            "message_too_long",
            text("validation.message_too_long", max_length=max_length),
            {"field": "body", "max_length": max_length, "length": len(body)},
        )
    return body


def field_label(field: str) -> str:
    """The field as a sentence names it ("The conversation name"); a roster column by its own name."""
    if field == "name":
        return text("validation.field.name")
    if field == "title":
        return text("validation.field.title")
    if field == "conversation name":
        return text("validation.field.conversation_name")
    return text("validation.field.other", field=field)


def display_name(value: str, field: str, max_length: int = 120) -> str:
    """A name shown to others (people, conversations, courses): one line, no control or direction-override marks."""
    value = unicodedata.normalize("NFC", value).strip()
    if _CONTROL.search(value) or "\n" in value or "\t" in value or _BIDI_CONTROL.search(value):
        raise ApiError(
            422,
            "invalid_characters",
            text("validation.name_characters", field=field_label(field)),
            {"field": field},
        )
    if not value:
        raise ApiError(
            422, "empty_name", text("validation.empty_name", field=field_label(field)), {"field": field}
        )
    if len(value) > max_length:
        raise ApiError(
            422,
            "name_too_long",
            text("validation.name_too_long", field=field_label(field), max_length=max_length),
            {"field": field, "max_length": max_length},
        )
    return value
