"""Cleaning filenames for display and for ``Content-Disposition`` (RFC 6266), character by character."""

from __future__ import annotations

import pytest

from schoolchat.attachments.filenames import MAX_NAME_LENGTH, clean, content_disposition, extension


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/absolute/path/x.pdf", "x.pdf"),
        ("nul\x00byte.pdf", "nulbyte.pdf"),
        ("line\r\nbreak.pdf", "line break.pdf"),
        ("tab\there.pdf", "tab here.pdf"),
        ('quote"d.pdf', 'quote"d.pdf'),
        ("evil\u202egnp.exe", "evilgnp.exe"),  # right-to-left override
        ("iso\u2066late\u2069.pdf", "isolate.pdf"),  # bidirectional isolates
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("   .hidden.pdf  ", "hidden.pdf"),
        ("..", "attachment"),
        ("", "attachment"),
        ("e\u0301le\u0300ve.txt", "\u00e9l\u00e8ve.txt"),  # composed (NFC)
    ],
)
def test_names_are_cleaned(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_a_long_name_is_shortened_keeping_its_extension() -> None:
    name = clean("a" * 400 + ".pdf")
    assert len(name) == MAX_NAME_LENGTH and name.endswith(".pdf")


def test_the_extension_is_the_last_one_lower_cased() -> None:
    assert extension("Report.PDF.exe") == "exe" and extension("ARCHIVE.7Z") == "7z"
    assert extension("noextension") == "" and extension(".pdf") == ""


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("report.pdf", "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"),
        ('a"b\\c.pdf', "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"),
        ("søknad.docx", "attachment; filename=\"sknad.docx\"; filename*=UTF-8''s%C3%B8knad.docx"),
        (
            "日本語.pdf",
            "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.pdf",
        ),
    ],
)
def test_content_disposition_follows_rfc_6266(name: str, header: str) -> None:
    assert content_disposition(name) == header


def test_content_disposition_never_carries_a_line_break() -> None:
    header = content_disposition("a\r\nSet-Cookie: x=1.pdf")
    assert "\r" not in header and "\n" not in header
