"""The sentences people read about exports and legal hold, from the catalog in the reader's language (those a
policy answers with, the erasure's and the retention run's confirmations, are in ``policy.texts``)."""

from __future__ import annotations

from schoolchat.i18n.catalog import plural_text, text


def export_not_ready() -> str:
    return text("privacy.export_not_ready")


def export_expired() -> str:
    return text("privacy.export_expired")


def hold_reason(report_id: int, closed: bool, hold_days: int) -> str:
    """Why an erasure kept a report's evidence (GDPR Art. 17(3)(b) and (e))."""
    return plural_text(
        "privacy.hold_reason.closed" if closed else "privacy.hold_reason.open", hold_days, report_id=report_id
    )


def retention_run_not_found() -> str:
    return text("privacy.retention_run_not_found")


def duplicate_retention_kind() -> str:
    return text("privacy.duplicate_retention_kind")
