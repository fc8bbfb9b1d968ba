"""The languages the server speaks, and how one is chosen for a reader.

The order of sources: the person's own setting, else their school's default (inherited down the org hierarchy),
else the browser's ``Accept-Language``, else English. Norwegian without a written standard (``no``) reads as
bokmål, which most Norwegian schools write."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["nb", "nn", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"
_ALIASES: dict[str, Language] = {"nb": "nb", "no": "nb", "nn": "nn", "en": "en"}
_MAX_RANGES = 20  # a header longer than this is read only this far


def from_accept_language(header: str | None) -> Language | None:
    """The best of our languages that an ``Accept-Language`` header (RFC 9110 §12.5.4) asks for, or None."""
    if not header:
        return None
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate(header.split(",")[:_MAX_RANGES]):
        tag, _, params = part.strip().partition(";")
        language = _ALIASES.get(tag.strip().split("-")[0].lower())
        if language is None:
            continue
        weight = _weight(params)
        if weight > 0 and (best is None or (weight, -position) > (best[0], best[1])):
            best = (weight, -position, language)
    return best[2] if best else None


def _weight(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def effective(
    setting: str | None, school_default: str | None, accept_language: str | None = None
) -> Language:
    """The language a reader gets: their setting, else their school's, else their browser's, else English."""
    for choice in (setting, school_default):
        if choice in LANGUAGES:
            return choice
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE
