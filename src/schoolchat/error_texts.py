"""The sentences of the errors every route shares, in the reader's language: an object not found, the HTTP layer's
own refusals, and a request's input errors.

pydantic words its errors in English ("Field required"); each error's ``type`` is a stable code, so the answer's
message is the catalog's sentence for that type, filled from the error's ``ctx`` (a type without its own sentence
reads as "This value is not valid."). A validator's own ``ValueError`` already holds a catalog sentence and is
shown as it is, without pydantic's "Value error, " prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schoolchat.i18n.catalog import plural_text, text

_NOT_FOUND: dict[str, Callable[[], str]] = {
    "conversation": lambda: text("errors.not_found.conversation"),
    "message": lambda: text("errors.not_found.message"),
    "attachment": lambda: text("errors.not_found.attachment"),
    "report": lambda: text("errors.not_found.report"),
    "user": lambda: text("errors.not_found.user"),
    "participant": lambda: text("errors.not_found.participant"),
    "course or project": lambda: text("errors.not_found.space"),
    "organisation": lambda: text("errors.not_found.organisation"),
    "mass message": lambda: text("errors.not_found.mass_message"),
    "roster import": lambda: text("errors.not_found.roster_import"),
    "erasure": lambda: text("errors.not_found.erasure"),
    "export": lambda: text("errors.not_found.export"),
    "platform": lambda: text("errors.not_found.platform"),
    "page": lambda: text("errors.not_found.page"),
}


def not_found(what: str) -> str:
    """'The conversation was not found.': ``what`` is the object's name in the error's details."""
    sentence = _NOT_FOUND.get(what)
    return sentence() if sentence else text("errors.not_found.other")


def http_refusal(status: int) -> str | None:
    """The HTTP layer's own refusals (no route, wrong method), or None for a status with no sentence of ours."""
    if status == 404:
        return text("errors.no_such_address")
    if status == 405:
        return text("errors.method_not_allowed")
    return None


def busy() -> str:
    return text("errors.busy")


def invalid_request() -> str:
    return text("errors.invalid_request")


def request_body() -> str:
    """The 'field' a body that is not JSON at all is reported under."""
    return text("errors.input.request_body")


def _or_list(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'", with the reader's word for "or"."""
    head, sep, last = expected.rpartition(" or ")
    return f"{head} {text('errors.input.or')} {last}" if sep else expected


_INPUT: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: text("errors.input.missing"),
    "extra_forbidden": lambda ctx: text("errors.input.extra_forbidden"),
    "json_invalid": lambda ctx: text("errors.input.json_invalid"),
    "string_type": lambda ctx: text("errors.input.string_type"),
    "string_unicode": lambda ctx: text("errors.input.string_type"),
    "int_type": lambda ctx: text("errors.input.int_type"),
    "int_parsing": lambda ctx: text("errors.input.int_type"),
    "int_from_float": lambda ctx: text("errors.input.int_type"),
    "float_type": lambda ctx: text("errors.input.number_type"),
    "float_parsing": lambda ctx: text("errors.input.number_type"),
    "bool_type": lambda ctx: text("errors.input.bool_type"),
    "bool_parsing": lambda ctx: text("errors.input.bool_type"),
    "list_type": lambda ctx: text("errors.input.list_type"),
    "dict_type": lambda ctx: text("errors.input.object_type"),
    "model_type": lambda ctx: text("errors.input.object_type"),
    "model_attributes_type": lambda ctx: text("errors.input.object_type"),
    "string_too_short": lambda ctx: plural_text("errors.input.string_too_short", int(ctx["min_length"])),
    "string_too_long": lambda ctx: plural_text("errors.input.string_too_long", int(ctx["max_length"])),
    "too_short": lambda ctx: plural_text("errors.input.too_short", int(ctx["min_length"])),
    "too_long": lambda ctx: plural_text("errors.input.too_long", int(ctx["max_length"])),
    "greater_than": lambda ctx: text("errors.input.greater_than", limit=ctx["gt"]),
    "greater_than_equal": lambda ctx: text("errors.input.greater_than_equal", limit=ctx["ge"]),
    "less_than": lambda ctx: text("errors.input.less_than", limit=ctx["lt"]),
    "less_than_equal": lambda ctx: text("errors.input.less_than_equal", limit=ctx["le"]),
    "literal_error": lambda ctx: text("errors.input.one_of", expected=_or_list(str(ctx["expected"]))),
    "enum": lambda ctx: text("errors.input.one_of", expected=_or_list(str(ctx["expected"]))),
    "string_pattern_mismatch": lambda ctx: text("errors.input.pattern_mismatch"),
    "datetime_type": lambda ctx: text("errors.input.date_time"),
    "datetime_parsing": lambda ctx: text("errors.input.date_time"),
    "datetime_from_date_parsing": lambda ctx: text("errors.input.date_time"),
    "timezone_aware": lambda ctx: text("errors.input.date_time"),
    "time_type": lambda ctx: text("errors.input.time"),
    "time_parsing": lambda ctx: text("errors.input.time"),
    "url_type": lambda ctx: text("errors.input.url"),
    "url_parsing": lambda ctx: text("errors.input.url"),
    "url_scheme": lambda ctx: text("errors.input.url"),
    "value_error": lambda ctx: str(ctx["error"]),
}


def input_error(error_type: str, ctx: Mapping[str, Any] | None) -> str:
    """The sentence for one of pydantic's errors, by its ``type`` and ``ctx``."""
    sentence = _INPUT.get(error_type)
    return sentence(ctx or {}) if sentence else text("errors.input.invalid")
