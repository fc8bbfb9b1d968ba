"""The sentences of signing in and of sessions, from the catalog in the reader's language."""

from schoolchat.i18n.catalog import text


def please_log_in() -> str:
    return text("auth.please_log_in")


def session_ended() -> str:
    return text("auth.session_ended")


def csrf_missing(header: str) -> str:
    return text("auth.csrf_missing", header=header)


def invalid_credentials() -> str:
    return text("auth.invalid_credentials")


def foreign_origin() -> str:
    """The hub refuses a page of another origin."""
    return text("auth.foreign_origin")
