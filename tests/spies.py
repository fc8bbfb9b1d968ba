"""Watching what the code under test calls without changing what it does."""

from __future__ import annotations

from typing import Any

import pytest

Call = tuple[tuple[Any, ...], dict[str, Any]]


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Call]:
    """Every call of the async function ``owner.name`` from now on, as (args, kwargs), each made as before."""
    calls: list[Call] = []
    original = getattr(owner, name)

    async def noted(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, noted)
    return calls
