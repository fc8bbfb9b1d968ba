"""The gettext catalogs of the server's sentences, read from ``schoolchat/locale/<language>/LC_MESSAGES/messages.po``.

Keys, not English, are the msgids (``policy.conversation_closed``): a key names the rule a sentence belongs to, so
English wording can be improved without touching the Norwegian catalogs, and a missing or unused key is a plain
set difference (tests/i18n/test_catalogs.py). Parameters are ``str.format`` fields (``{name}``, ``{count}``).
The .po files are compiled in memory when first used, so no generated .mo file is committed or built."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from schoolchat.i18n.context import reader_language
from schoolchat.i18n.languages import Language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalog_of(language: Language) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language, domain="messages")


@cache
def translations_of(language: Language) -> Translations:
    compiled = BytesIO()
    write_mo(compiled, catalog_of(language))
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def text(key: str, **params: Any) -> str:
    """The sentence ``key`` in the reader's language, with ``params`` filled in."""
    sentence = translations_of(reader_language()).gettext(key)
    return sentence.format(**params) if params else sentence


def plural_text(key: str, count: int, **params: Any) -> str:
    """The sentence ``key`` in the plural form the reader's language uses for ``count`` (``{count}`` is filled)."""
    return translations_of(reader_language()).ngettext(key, key, count).format(count=count, **params)
