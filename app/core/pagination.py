"""Page numbers and sizes for lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def of(cls, page: int | None, size: int | None = None) -> PageRequest:
        """Clamp user-supplied numbers to a sane range."""
        return cls(max(1, page or 1), min(MAX_PAGE_SIZE, max(1, size or DEFAULT_PAGE_SIZE)))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    request: PageRequest

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.size))

    @property
    def has_next(self) -> bool:
        return self.request.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.request.page > 1
