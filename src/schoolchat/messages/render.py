"""Message text to safe HTML: web links become clickable links (§5.2), everything else stays plain text."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# "zero" turns every markdown rule off; only paragraphs, line breaks and bare links are rendered.
_md = MarkdownIt("zero", {"linkify": True, "breaks": True, "html": False}).enable(["linkify", "newline"])

_ALLOWED_TAGS = {"p", "br", "a"}


def render(body: str) -> str:
    html = _md.render(body)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    ).strip()


def preview(body: str, limit: int = 120) -> str:
    """One line of a message for the conversation list."""
    line = " ".join(body.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
