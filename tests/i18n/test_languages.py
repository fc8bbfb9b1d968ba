"""Choosing a language from an Accept-Language header (RFC 9110 §12.5.4), and the order of the sources."""

from __future__ import annotations

from schoolchat.i18n.languages import effective, from_accept_language


def test_the_highest_weighted_language_we_speak_wins() -> None:
    assert from_accept_language("de;q=1, nn;q=0.5, nb;q=0.7") == "nb"


def test_equal_weights_keep_the_order_of_the_header() -> None:
    assert from_accept_language("nn, nb") == "nn"


def test_norwegian_without_a_standard_reads_as_bokmal() -> None:
    assert from_accept_language("no-NO") == "nb"


def test_a_refused_language_is_never_chosen() -> None:
    assert from_accept_language("nb;q=0, en;q=0.1") == "en"


def test_a_header_without_our_languages_chooses_none() -> None:
    assert from_accept_language("sv, da;q=0.9") is None and from_accept_language("") is None
    assert from_accept_language("nb;q=abc") is None


def test_the_persons_setting_then_the_school_then_the_browser_then_english() -> None:
    assert effective("nn", "nb", "en") == "nn"
    assert effective(None, "nb", "en") == "nb"
    assert effective(None, None, "nn") == "nn"
    assert effective(None, None, None) == "en"
