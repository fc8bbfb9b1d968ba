"""User-visible sentences of rate limits and request size limits, from the catalog in the reader's language."""

from schoolchat.i18n.catalog import plural_text, text


def try_again_in(seconds: int) -> str:
    """A limit was reached: when the caller may try again."""
    return plural_text("ratelimit.try_again_in", seconds)


def body_too_large(max_bytes: int) -> str:
    return text("ratelimit.body_too_large", max_bytes=max_bytes)


def too_many_connections() -> str:
    return text("ratelimit.too_many_connections")
