"""The sentences people read about erasure, retention and legal hold (kept together for the translation catalog)."""

from __future__ import annotations

from collections.abc import Mapping

FORMER_USER = "Former user"
CANNOT_ERASE_SELF = "You cannot erase your own account; ask another administrator."
ALREADY_ERASED = "This person has already been erased."
EXPORT_NOT_READY = "The export is not ready yet."
EXPORT_EXPIRED = "The download link of this export has expired. Start a new export."


def erase_confirmation(name: str, messages: int, held_reports: int) -> str:
    """What an admin confirms before erasing a person."""
    kept = (f" What {held_reports} report{'s' if held_reports != 1 else ''} froze as evidence is kept, for "
            "the reviewers only, until the report is closed and its hold period has passed." if held_reports else "")
    return (f"Erase {name}? Their {messages} message{'s' if messages != 1 else ''} and files are removed "
            f"everywhere, their name becomes \"{FORMER_USER}\" and they can no longer sign in.{kept} "
            "This cannot be undone.")


def hold_reason(report_id: int, closed: bool, hold_days: int) -> str:
    """Why an erasure kept a report's evidence (GDPR Art. 17(3)(b) and (e))."""
    when = (f"until {hold_days} days after it was closed" if closed
            else f"while it is open, and for {hold_days} days after it is closed")
    return (f"Report {report_id} froze this person's messages as evidence of a safeguarding concern; they are kept "
            f"for the report's reviewers only, {when} (legal hold).")

RETENTION_KIND_NAMES = {
    "course": "course conversations", "project": "project conversations", "direct": "1:1 conversations",
    "group": "group conversations", "individual": "\"Sent to X people\" messages", "mass": "mass messages",
    "reports": "closed reports",
}
RETENTION_RUN_NOT_FOUND = "The retention run was not found."


def retention_confirmation(org_name: str, counts: Mapping[str, int]) -> str:
    """What an admin confirms before a retention run removes content for good."""
    listed = [f"{count} from {RETENTION_KIND_NAMES[kind]}" for kind, count in counts.items()
              if count and kind != "reports"]
    reports = counts.get("reports", 0)
    what = f"{sum(count for kind, count in counts.items() if kind != 'reports')} messages" + (
        f" ({', '.join(listed)})" if listed else "")
    return (f"Remove what the retention policy of {org_name} no longer keeps: {what} and {reports} closed "
            f"report{'s' if reports != 1 else ''}? Their text and files are removed everywhere. What an open "
            "report, or one closed less than the hold period ago, froze as evidence is kept (legal hold). "
            "This cannot be undone.")
