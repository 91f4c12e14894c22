"""Domain errors raised while reading uploaded assurance reports."""

from __future__ import annotations

from typing import Literal

# Why a file could not be read: the upload policy turns each into a reason the uploader can act on.
ReadFailure = Literal[
    "not_pdf",
    "truncated",
    "unreadable",
    "too_many_pages",
    "too_large",
    "memory",
    "cpu_time",
    "wall_time",
    "reader_unavailable",
    "crashed",
]


class ReportsError(Exception):
    """Base class for every error of the reports feature."""


class ReportReadError(ReportsError):
    """The uploaded file cannot be read as a PDF (one-line, user-facing message)."""

    def __init__(self, message: str, kind: ReadFailure = "unreadable") -> None:
        super().__init__(message)
        self.kind: ReadFailure = kind
