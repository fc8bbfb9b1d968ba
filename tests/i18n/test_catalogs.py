"""The server's catalogs (issue 15): every key the code asks for is translated in nb, nn and en, no catalog holds a
key nothing asks for, and plurals follow the count."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from schoolchat.i18n.catalog import catalog_of
from schoolchat.i18n.context import reading_in
from schoolchat.i18n.languages import LANGUAGES, Language
from schoolchat.notifications import texts as notification_texts
from schoolchat.policy import texts
from schoolchat.ratelimit import texts as limit_texts

KEY = re.compile(r"[a-z_]+(\.[a-z_]+)+")
SOURCE = Path(__file__).resolve().parents[2] / "src" / "schoolchat"


def _keys_asked_for() -> dict[str, bool]:
    """Every key a ``text(...)`` or ``plural_text(...)`` call names, with whether it is asked for as a plural.
    Keys are string literals in the call's first argument (a conditional expression may name two)."""
    asked: dict[str, bool] = {}
    for path in SOURCE.rglob("*.py"):
        if "from schoolchat.i18n.catalog import" not in (source := path.read_text()):
            continue  # another ``text`` (SQLAlchemy's)
        for node in ast.walk(ast.parse(source, str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.args
                and node.func.id in ("text", "plural_text")
            ):
                for constant in ast.walk(node.args[0]):
                    if (
                        isinstance(constant, ast.Constant)
                        and isinstance(constant.value, str)
                        and KEY.fullmatch(constant.value)
                    ):
                        asked[constant.value] = node.func.id == "plural_text"
    return asked


def _entries(catalog: Catalog) -> dict[str, str | tuple[str, ...]]:
    return {
        message.id[0] if isinstance(message.id, tuple) else message.id: message.string
        for message in catalog
        if message.id
    }


def _fields(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_code_asks_for_is_translated(language: Language) -> None:
    entries = _entries(catalog_of(language))
    missing = {key for key in _keys_asked_for() if not entries.get(key)}
    assert not missing, f"{language} lacks {sorted(missing)}"
    untranslated = {
        key for key, value in entries.items() if not all(value if isinstance(value, tuple) else (value,))
    }
    assert not untranslated, f"{language} has empty translations for {sorted(untranslated)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_holds_a_key_nothing_asks_for(language: Language) -> None:
    unused = set(_entries(catalog_of(language))) - set(_keys_asked_for())
    assert not unused, f"{language} has keys no code asks for: {sorted(unused)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_keys_have_plural_forms_and_others_none(language: Language) -> None:
    entries, asked = _entries(catalog_of(language)), _keys_asked_for()
    wrong = {key for key, value in entries.items() if isinstance(value, tuple) != asked.get(key, False)}
    assert not wrong, f"{language}: singular/plural mismatch for {sorted(wrong)}"


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_translations_fill_the_same_fields_as_english(language: Language) -> None:
    english, translated = _entries(catalog_of("en")), _entries(catalog_of(language))

    def fields(value: str | tuple[str, ...]) -> set[str]:
        return set().union(*(_fields(form) for form in (value if isinstance(value, tuple) else (value,))))

    differing = {
        key for key in english if fields(english[key]) - {"count"} != fields(translated[key]) - {"count"}
    }
    assert not differing, f"{language} fills other fields than English in {sorted(differing)}"


@pytest.mark.parametrize(
    ("language", "one", "three"),
    [
        ("en", "Sent to 1 person", "Sent to 3 people"),
        ("nb", "Sendt til 1 person", "Sendt til 3 personer"),
        ("nn", "Sendt til 1 person", "Sendt til 3 personar"),
    ],
)
def test_sent_to_follows_the_count_in_each_language(language: Language, one: str, three: str) -> None:
    with reading_in(language):
        assert (texts.sent_to(1), texts.sent_to(3)) == (one, three)


def test_a_wait_of_one_second_is_singular_and_of_more_plural() -> None:
    with reading_in("en"):
        assert limit_texts.try_again_in(1).endswith("in 1 second.")
        assert limit_texts.try_again_in(30).endswith("in 30 seconds.")
    with reading_in("nb"):
        assert limit_texts.try_again_in(30).endswith("om 30 sekunder.")


def test_an_email_subject_counts_messages_and_conversations_in_the_readers_language() -> None:
    with reading_in("nn"):
        assert notification_texts.subject(1, 1) == "1 ulesen melding i schoolchat"
        assert notification_texts.subject(4, 2) == "4 ulesne meldingar i 2 samtalar i schoolchat"
    with reading_in("nb"):
        assert notification_texts.subject(4, 1) == "4 uleste meldinger i schoolchat"
