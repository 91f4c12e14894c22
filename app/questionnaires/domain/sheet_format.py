"""The spreadsheet formats a questionnaire is exported in (the web page and the CLI share them)."""

from __future__ import annotations

from enum import StrEnum


class SheetFormat(StrEnum):
    """Spreadsheet formats for export."""

    XLSX = "xlsx"
    CSV = "csv"
