"""The UI's catalogs (src/schoolchat/web/ui/locales/{en,nb,nn}.json) against the TypeScript that uses them: every
key in every language, no key that nothing uses, and the same parameters in each translation.

A key is used when it appears as a string literal in the UI's TypeScript (``t("compose.send")``, or a map of keys
such as ``{ direct: "kind.direct" }``) or as a ``data-i18n``/``data-i18n-label`` of the page template. A plural
(``sent_to_one``, ``sent_to_other``) or context key (``admin.mass_done_on``/``_off``) is used through its base.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).parents[2] / "src" / "schoolchat" / "web"
UI = WEB / "ui"
LANGUAGES = ("en", "nb", "nn")
SUFFIX = re.compile(r"_(one|other|on|off)$")
PARAMETER = re.compile(r"\{\{(\w+)\}\}")


def catalog(language: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((UI / "locales" / f"{language}.json").read_text())
    return loaded


def literals() -> set[str]:
    """Every double-quoted string literal of the UI's TypeScript, and the template's data-i18n keys."""
    found: set[str] = set()
    for source in UI.glob("*.ts"):
        found.update(re.findall(r'"((?:[^"\\\n]|\\.)*)"', source.read_text()))
    found.update(re.findall(r'data-i18n(?:-label)?="([^"]+)"', (WEB / "templates" / "app.html").read_text()))
    return found


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_key_of_english_is_in_each_language_and_no_other(language: str) -> None:
    english, other = set(catalog("en")), set(catalog(language))
    assert sorted(english - other) == [], f"missing in {language}"
    assert sorted(other - english) == [], f"only in {language}"


def test_every_key_of_the_catalog_is_used_by_the_ui() -> None:
    used = literals()
    unused = [key for key in catalog("en") if key not in used and SUFFIX.sub("", key) not in used]
    assert unused == []


def test_every_key_the_ui_names_is_in_the_catalog() -> None:
    keys = set(catalog("en")) | {SUFFIX.sub("", key) for key in catalog("en")}
    named: set[str] = set()
    for source in UI.glob("*.ts"):
        named.update(re.findall(r'\bt\("([^"]+)"', source.read_text()))
    named.update(re.findall(r'data-i18n(?:-label)?="([^"]+)"', (WEB / "templates" / "app.html").read_text()))
    assert sorted(named - keys) == []


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_each_translation_has_the_parameters_of_the_english(language: str) -> None:
    english, other = catalog("en"), catalog(language)
    differ = [
        key
        for key in english
        if set(PARAMETER.findall(english[key])) != set(PARAMETER.findall(other.get(key, "")))
    ]
    assert differ == []


def test_sent_to_counts_people_in_each_language() -> None:
    assert [catalog(l)["sent_to_one"] for l in LANGUAGES] == [
        "Sent to {{count}} person",
        "Sendt til {{count}} person",
        "Sendt til {{count}} person",
    ]
    assert [catalog(l)["sent_to_other"] for l in LANGUAGES] == [
        "Sent to {{count}} people",
        "Sendt til {{count}} personer",
        "Sendt til {{count}} personar",
    ]
