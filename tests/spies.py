"""Watching what the code under test calls without changing what it does."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

Call = tuple[tuple[Any, ...], dict[str, Any]]


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Call]:
    """Every call of the function ``owner.name`` (async or not) from now on, as (args, kwargs), each made as
    before."""
    calls: list[Call] = []
    original = getattr(owner, name)

    async def noted_async(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return await original(*args, **kwargs)

    def noted(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, noted_async if inspect.iscoroutinefunction(original) else noted)
    return calls
