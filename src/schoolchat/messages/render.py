"""Message text to safe HTML: web links become clickable links (§5.2), everything else stays plain text."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# "zero" turns every markdown rule off; only paragraphs, line breaks and bare links are rendered.
_md = MarkdownIt("zero", {"linkify": True, "breaks": True, "html": False}).enable(["linkify", "newline"])

_ALLOWED_TAGS = {"p", "br", "a"}
# What the sanitiser's serialiser writes for a character of text; every other printable character stays itself.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def render(body: str) -> str:
    """The HTML of a message. Most messages are one line with no link; their HTML is the text in a paragraph,
    escaped as the sanitiser writes it, built without the markdown parse and the sanitiser (a fifth of the
    cost, docs/performance.md). ``render_markup`` gives the same for them."""
    if _is_plain(body):
        return f"<p>{body.translate(_TEXT_ESCAPES)}</p>"
    return render_markup(body)


def render_markup(body: str) -> str:
    """The whole way: markdown's paragraphs, line breaks and links, then the sanitiser."""
    html = _md.render(body)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    ).strip()


def _is_plain(body: str) -> bool:
    """One paragraph of text that no rule of the markdown parse or the sanitiser changes: printable (no line
    break, control or format character; the only space is U+0020), not starting or ending with a space (the
    paragraph trims it), no ``:`` (a link's scheme) and nothing linkify's own quick check could take for a link
    or an address."""
    return (
        body.isprintable()
        and body[:1] not in ("", " ")
        and body[-1] != " "
        and ":" not in body
        and not _may_link(body)
    )


def _may_link(body: str) -> bool:
    finder = _md.linkify  # linkify-it-py's, which markdown-it made (None only were it not installed)
    return finder is None or bool(finder.pretest(body))


def preview(body: str, limit: int = 120) -> str:
    """One line of a message for the conversation list."""
    line = " ".join(body.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
