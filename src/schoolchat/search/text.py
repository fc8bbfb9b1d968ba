"""Words for the index and the query, and highlighted snippets: the same splitting on both sides.

A word is a run of letters and digits (any script), case-folded, with accents removed, so "Élève" finds
"eleve" and "ÉLÈVE". Everything else separates words: punctuation, spaces, and emoji, which are therefore
neither indexed nor searchable (§5.3): an emoji-only query has no words and finds nothing. Links are text like
any other: "example.org/reading-list" is the words example, org, reading, list, and finds "reading".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

MAX_TERM_LENGTH = 64  # longer runs (hashes, base64) are not words anyone searches for
MAX_QUERY_TERMS = 8
_WORD = re.compile(r"[^\W_]+")


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) for every word of the (NFC) text."""
    return [
        (m.start(), m.end(), folded)
        for m in _WORD.finditer(text)
        if (folded := _fold(m.group())) and len(folded) <= MAX_TERM_LENGTH
    ]


def tokens(text: str) -> list[str]:
    """The words of a text, folded, in order (repeats kept)."""
    return [word for _, _, word in _spans(unicodedata.normalize("NFC", text))]


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, in order, at most ``MAX_QUERY_TERMS``."""
    return list(dict.fromkeys(tokens(query)))[:MAX_QUERY_TERMS]


def matches(word: str, terms: Sequence[str]) -> bool:
    """As search matches: a query's words are whole words, except the last, which may be the start of one."""
    return word in terms[:-1] or (bool(terms) and word.startswith(terms[-1]))


def snippet(text: str, terms: Sequence[str], *, before: int = 6, after: int = 14) -> str | None:
    """HTML: the words around the first match, each matching word in ``<mark>``, the rest escaped.

    ``None`` when nothing in ``text`` matches.
    """
    text = unicodedata.normalize("NFC", text)
    spans = _spans(text)
    hits = [i for i, (_, _, word) in enumerate(spans) if matches(word, terms)]
    if not hits:
        return None
    first, last = max(0, hits[0] - before), min(len(spans) - 1, hits[0] + after)
    start, end = (
        (0 if first == 0 else spans[first][0]),
        (len(text) if last == len(spans) - 1 else spans[last][1]),
    )
    marked = set(hits)
    out, cursor = ["…" if start > 0 else ""], start
    for i in range(first, last + 1):
        word_start, word_end, _ = spans[i]
        out.append(html.escape(text[cursor:word_start]))
        word = html.escape(text[word_start:word_end])
        out.append(f"<mark>{word}</mark>" if i in marked else word)
        cursor = word_end
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return " ".join("".join(out).split())
