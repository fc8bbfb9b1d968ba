"""The sentences a launch from a learning platform shows, and the admin API's own, from the catalog in the
reader's language."""

from __future__ import annotations

from schoolchat.i18n.catalog import text


def refused_title() -> str:
    return text("lti.refused_title")


def unknown_platform() -> str:
    return text("lti.unknown_platform")


def ambiguous_platform() -> str:
    return text("lti.ambiguous_platform")


def unknown_deployment() -> str:
    return text("lti.unknown_deployment")


def incomplete_login(field: str) -> str:
    return text("lti.incomplete_login", field=field)


def foreign_target() -> str:
    return text("lti.foreign_target")


def cookie_missing() -> str:
    return text("lti.cookie_missing")


def launch_expired() -> str:
    return text("lti.launch_expired")


def launch_replayed() -> str:
    return text("lti.launch_replayed")


def bad_signature() -> str:
    return text("lti.bad_signature")


def token_expired() -> str:
    return text("lti.token_expired")


def unsupported_message() -> str:
    return text("lti.unsupported_message")


def keys_unavailable() -> str:
    return text("lti.keys_unavailable")


def too_many_launches() -> str:
    return text("lti.too_many_launches")


def unknown_person() -> str:
    return text("lti.unknown_person")


def unknown_course() -> str:
    return text("lti.unknown_course")


def framed_session_ended() -> str:
    return text("lti.framed_session_ended")


def platform_exists() -> str:
    return text("lti.platform_exists")


def invalid_claim(claim: str) -> str:
    return text("lti.invalid_claim", claim=claim)


def platform_refused(error: str) -> str:
    return text("lti.platform_refused", error=error)
