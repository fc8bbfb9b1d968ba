"""The sentences of a roster import's report, written when it is read, in the reader's language.

An import stores each problem as a code and its parameters (``RosterError``) and a stopped job's failure as a
code, so the report reads in the language of whoever reads it (an admin's upload page, or the command line's
English); values quoted from the files stay as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schoolchat.i18n.catalog import text
from schoolchat.policy import texts
from schoolchat.validation import field_label

_ERRORS: dict[str, Callable[[dict[str, Any]], str]] = {
    "column_missing": lambda p: text("roster.error.column_missing", **p),
    "too_many_fields": lambda p: text("roster.error.too_many_fields", **p),
    "not_unicode": lambda p: text("roster.error.not_unicode", **p),
    "not_csv": lambda p: text("roster.error.not_csv", **p),
    "no_manifest": lambda p: text("roster.error.no_manifest", **p),
    "version_missing": lambda p: text("roster.error.version_missing", **p),
    "version_unsupported": lambda p: text("roster.error.version_unsupported", **p),
    "mode_unknown": lambda p: text("roster.error.mode_unknown", **p),
    "file_absent": lambda p: text("roster.error.file_absent", **p),
    "status_unknown": lambda p: text("roster.error.status_unknown", **p),
    "sourced_id_empty": lambda p: text("roster.error.sourced_id_empty", **p),
    "sourced_id_repeated": lambda p: text("roster.error.sourced_id_repeated", **p),
    "unknown_reference": lambda p: text("roster.error.unknown_reference", **p),
    "org_type_unknown": lambda p: text("roster.error.org_type_unknown", **p),
    "own_parent": lambda p: text("roster.error.own_parent", **p),
    "role_unknown": lambda p: text("roster.error.role_unknown", **p),
    "enabled_user_invalid": lambda p: text("roster.error.enabled_user_invalid", **p),
    "username_empty": lambda p: text("roster.error.username_empty", **p),
    "username_too_long": lambda p: text("roster.error.username_too_long", **p),
    "username_repeated": lambda p: text("roster.error.username_repeated", **p),
    "user_without_org": lambda p: text("roster.error.user_without_org", **p),
    "email_invalid": lambda p: text("roster.error.email_invalid", **p),
    "enrollment_role_unknown": lambda p: text("roster.error.enrollment_role_unknown", **p),
    "username_taken": lambda p: text("roster.error.username_taken", **p),
    "outside": lambda p: text("roster.error.outside", **p),
    "recorded": lambda p: text("roster.error.recorded", **p),
    # A name column refused by ``validation.display_name``: its code and details, in that check's own sentences.
    "invalid_characters": lambda p: text("validation.name_characters", field=field_label(p["field"])),
    "empty_name": lambda p: text("validation.empty_name", field=field_label(p["field"])),
    "name_too_long": lambda p: text(
        "validation.name_too_long", field=field_label(p["field"]), max_length=p["max_length"]
    ),
}


def error_message(code: str, params: dict[str, Any]) -> str:
    """One problem of the report, as a sentence."""
    return _ERRORS[code](params)


def failure_message(failure: str) -> str:
    """Why a job stopped (``roster_jobs.failure``, a code), as a sentence."""
    if failure == INTERRUPTED:
        return texts.roster_import_interrupted()
    return text("roster.failure.stopped")


# The codes of ``roster_jobs.failure``.
INTERRUPTED = "interrupted"  # the service stopped while the import ran
STOPPED = "stopped"  # an unexpected error (in the service's log)
