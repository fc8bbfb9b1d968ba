"""The types every request is checked against, once for all routes: ids and cursors the databases can hold, times
with their zone, and bodies that take JSON's types exactly as the OpenAPI schema states them.

Without them a path id or cursor above what the columns hold reached the database driver (a 500), ``false`` passed
for an integer and ``0.5`` for a time; now each is a 422 in the one error shape before any route runs.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, Strict

from schoolchat.i18n.catalog import text

# The largest id and seq the tables hold: their columns are INTEGER, 32 bits on PostgreSQL (SQLite's hold 64). A
# larger number reached the drivers: OverflowError on SQLite above 2^63 − 1, "integer out of range" on PostgreSQL.
MAX_ID = 2**31 - 1

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
# RFC 3339's date-time (what the schema's "format: date-time" means): a date, a time and a zone.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})"
)


def _whole_number_text(value: Any) -> Any:
    """A query or path value is text: only digits make an integer ("1.0" and "1e3" do not)."""
    if isinstance(value, str) and not _WHOLE_NUMBER.fullmatch(value):
        raise ValueError(text("errors.input.int_type"))
    return value


def _date_time_text(value: Any) -> Any:
    """A date and time with its zone, as text; numbers (seconds since 1970 to pydantic) are no time here."""
    if not isinstance(value, datetime) and not (isinstance(value, str) and _DATE_TIME.fullmatch(value)):
        raise ValueError(text("errors.input.date_time"))
    return value


# An object's id, in a path, a query or a body (the bounds first, so that the schema shows them).
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_whole_number_text)]
# A position to read from (an event id, a seq, a person id to page after); 0 is before the first.
Cursor = Annotated[int, Field(ge=0, le=MAX_ID), BeforeValidator(_whole_number_text)]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_date_time_text)]


# An enum field of a body: JSON carries its value as text, which a strict model would refuse for an Enum.
EnumText = Strict(False)


class Body(BaseModel):
    """Every request body: strict, so ``false`` is not an integer, ``0`` not a boolean and ``"5"`` not a number,
    just as the schema says; and closed, so a field the schema does not name (a client's typo) is a 422 rather
    than silently ignored (the schema says ``additionalProperties: false``). Nested models and lists of JSON
    values validate as usual."""

    model_config = ConfigDict(strict=True, extra="forbid")


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**constraints: Any) -> Any:
    """A field of a change (PATCH) that may be left out but is never null: its column holds a value always.
    The schema shows the field's own type, without the ``null`` a default of ``None`` would suggest."""
    return Field(default=None, json_schema_extra=_without_default, **constraints)
