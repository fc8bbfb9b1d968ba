"""§5.2: message text becomes safe HTML; web links are clickable, everything else stays plain text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schoolchat.messages.render import render, render_markup

# Text as pupils write it, with the characters the markdown parse, linkify and the sanitiser treat specially.
_PIECES = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("abcæøåÆØÅ 1234567890.,;!?&<>\"'#*_`~[]()\\/-+=|{}$%^@:\t\n\r\u00a0\u200d\u2028")),
    st.sampled_from(
        ["&amp;", "&#x41;", "www.", ".no", ".com", "localhost", "1.2.3.4", "    ", "> ", "# ", "**"]
    ),
)


def test_a_line_without_links_is_one_paragraph_escaped_as_the_sanitiser_writes_it() -> None:
    assert render('Fish & <chips> "now", 3 > 2') == '<p>Fish &amp; &lt;chips&gt; "now", 3 &gt; 2</p>'


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=24).map("".join))
def test_any_text_renders_as_the_markdown_parse_and_the_sanitiser_render_it(body: str) -> None:
    assert render(body) == render_markup(body)
