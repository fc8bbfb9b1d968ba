"""No user-visible English left in the UI's TypeScript or its page template: every sentence comes from the catalog.

The rule, for the TypeScript (comments removed; in template literals the ``${…}`` parts removed): a string literal
is user-visible text when it
- holds a capitalised word ("Send", "Write message to"), other than the technical names listed in TECHNICAL;
- holds two words or more (a lowercase phrase such as "messaging disabled"), or is a template literal with a word
  beside a space or a parameter (`` `${names} added.` ``), unless it is a class list (``class: "button primary"``,
  also in a ``class: a ? "…" : "…"``);
- is the first child of an element (``h("span", {…}, "edited")``) or the value of a text attribute
  (aria-label, placeholder, title, alt) and holds a letter.
A line may opt out with ``// i18n-exempt: <why>`` (a programming error's message, never shown to a person).
Names and data (people, courses, the server's sentences) arrive at run time and are not literals.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

WEB = Path(__file__).parents[2] / "src" / "schoolchat" / "web"
UI = WEB / "ui"
GENERATED = (
    "schema.ts"  # written by openapi-typescript from the server's schema (make web), whose texts are English
)
# Key names, HTTP headers, DOM key names and tags: literals a person never reads.
TECHNICAL = {
    "Accept",
    "Content-Type",
    "X-CSRF-Token",
    "Enter",
    "Escape",
    "ArrowDown",
    "ArrowUp",
    "Tab",
    "MARK",
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "Notification",
}
LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`', re.DOTALL)
CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
TWO_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")
TEXT_ATTRIBUTE = re.compile(r'(?:"aria-label"|placeholder|title|alt):\s*$')
FIRST_CHILD = re.compile(r"\},\s*$")


def _without_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), text, flags=re.DOTALL)
    return re.sub(r"(^|\s)//.*$", r"\1", text, flags=re.MULTILINE)


def _expressions_removed(literal: str) -> str:
    return re.sub(r"\$\{[^}]*(\}|$)", " ", literal[1:-1])  # a literal nested in ${…} ends the outer one here


def offences(source: Path) -> list[str]:
    found = []
    lines = source.read_text().splitlines()
    text = _without_comments("\n".join(line for line in lines if "i18n-exempt" not in line))
    for match in LITERAL.finditer(text):
        content = _expressions_removed(match.group())
        before = text[max(0, match.start() - 40) : match.start()]
        if content in TECHNICAL:
            continue
        class_list = re.search(r"(class:|className =)[^,]*$", before)
        sentence = match.group().startswith("`") and re.search(r"\s[A-Za-z]{2,}|[A-Za-z]{2,}\s", content)
        if (
            CAPITALISED.search(content)
            or ((TWO_WORDS.search(content) or sentence) and not class_list)
            or (
                (TEXT_ATTRIBUTE.search(before) or FIRST_CHILD.search(before))
                and re.search(r"[A-Za-z]", content)
            )
        ):
            found.append(f"{source.name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group()}")
    return found


def test_the_typescript_has_no_user_visible_literal() -> None:
    written = [source for source in sorted(UI.glob("*.ts")) if source.name != GENERATED]
    assert [offence for source in written for offence in offences(source)] == []


class _Texts(HTMLParser):
    """Text and text attributes of app.html outside elements that name their catalog key."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.found += [
            f"{tag} {a}={v}" for a, v in attrs if a in ("aria-label", "title", "placeholder", "alt") and v
        ]
        if tag not in ("meta", "link", "br", "img", "input"):
            self.stack.append("data-i18n" in named)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "link", "br", "img", "input") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not data.strip().isdigit():
            self.found.append(data.strip())


def test_the_page_template_has_no_text_of_its_own() -> None:
    """Its elements are empty and say which key fills them (data-i18n, data-i18n-label)."""
    parser = _Texts()
    parser.feed((WEB / "templates" / "app.html").read_text())
    assert parser.found == []
