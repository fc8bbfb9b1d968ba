"""The reader's language for the code running now: set per request (``Accept-Language``, then the signed-in
person's), per hub connection and per notification recipient; every sentence of a texts module reads it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from schoolchat.i18n.languages import DEFAULT_LANGUAGE, Language

_reader_language: ContextVar[Language] = ContextVar("reader_language", default=DEFAULT_LANGUAGE)


def reader_language() -> Language:
    return _reader_language.get()


def set_reader_language(language: Language) -> None:
    """For the rest of this request (or task): sentences are in ``language``."""
    _reader_language.set(language)


@contextmanager
def reading_in(language: Language) -> Iterator[None]:
    """Sentences built inside the block are in ``language`` (a notification to one recipient, one hub call)."""
    token = _reader_language.set(language)
    try:
        yield
    finally:
        _reader_language.reset(token)
