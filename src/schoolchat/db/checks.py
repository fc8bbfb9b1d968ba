"""Check constraints built from the enums the columns hold, worded as the migrations wrote them."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint


def one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    """``<column> in ('a', 'b', …)``, named after the column, in the enum's order."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} in ({listed})", name=column)
