"""User-visible sentences of rate limits and request size limits."""


def try_again_in(seconds: int) -> str:
    """A limit was reached: when the caller may try again."""
    return f"Too many requests. Please try again in {seconds} {'second' if seconds == 1 else 'seconds'}."


def body_too_large(max_bytes: int) -> str:
    return f"The request body is larger than {max_bytes} bytes."


TOO_MANY_CONNECTIONS = "You have too many open connections. Close a tab or an app and try again."
