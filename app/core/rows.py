"""Helpers for stored rows."""

from __future__ import annotations

from typing import Protocol


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: HasId) -> int:
    """Return the id of a row that was stored (flushed); a row without one is a bug, not data."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id
