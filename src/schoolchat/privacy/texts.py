"""The sentences people read about erasure and legal hold, from the catalog in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from schoolchat.i18n.catalog import plural_text, text

# Stored as the erased person's name (and in forwards of their messages), so it is one fixed value, not a sentence
# in someone's language; the UI may show its own translation of it.
FORMER_USER = "Former user"  # i18n-exempt: stored, one fixed value (above)


def cannot_erase_self() -> str:
    return text("privacy.cannot_erase_self")


def already_erased() -> str:
    return text("privacy.already_erased")


def export_not_ready() -> str:
    return text("privacy.export_not_ready")


def export_expired() -> str:
    return text("privacy.export_expired")


def erase_confirmation(name: str, messages: int, held_reports: int) -> str:
    """What an admin confirms before erasing a person."""
    kept = f" {plural_text('privacy.erase_confirmation.kept', held_reports)}" if held_reports else ""
    return plural_text("privacy.erase_confirmation", messages, name=name, former_user=FORMER_USER, kept=kept)


def hold_reason(report_id: int, closed: bool, hold_days: int) -> str:
    """Why an erasure kept a report's evidence (GDPR Art. 17(3)(b) and (e))."""
    return plural_text("privacy.hold_reason.closed" if closed else "privacy.hold_reason.open", hold_days,
                       report_id=report_id)


_KIND_NAMES: dict[str, Callable[[], str]] = {  # each key written out in its own call: the catalog test reads them
    "course": lambda: text("privacy.retention_kind.course"), "project": lambda: text("privacy.retention_kind.project"),
    "direct": lambda: text("privacy.retention_kind.direct"), "group": lambda: text("privacy.retention_kind.group"),
    "individual": lambda: text("privacy.retention_kind.individual"), "mass": lambda: text("privacy.retention_kind.mass"),
}


def retention_run_not_found() -> str:
    return text("privacy.retention_run_not_found")


def retention_confirmation(org_name: str, counts: Mapping[str, int]) -> str:
    """What an admin confirms before a retention run removes content for good."""
    listed = ", ".join(text("privacy.retention_from_kind", count=count, kind=_KIND_NAMES[kind]())
                       for kind, count in counts.items() if count and kind != "reports")
    messages = sum(count for kind, count in counts.items() if kind != "reports")
    what = plural_text("privacy.retention_messages", messages) + (f" ({listed})" if listed else "")
    return plural_text("privacy.retention_confirmation", counts.get("reports", 0), org=org_name, messages=what)
