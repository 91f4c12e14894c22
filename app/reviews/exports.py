"""Spreadsheet exports (CSV and XLSX) that a spreadsheet program can never run as formulas.

Text starting with = + - @ TAB CR LF or NUL gets a leading apostrophe (OWASP CSV injection);
numbers stay numbers, so ``-3.5`` is still a number while the text ``-2+3`` is escaped. XLSX
cells holding text are forced to the string type, so openpyxl never writes a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from app.questionnaires.spreadsheet import escape_cell

ExportValue = str | int | float | Decimal | bool | date | datetime | None


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[ExportValue, ...], ...]


def safe_value(value: ExportValue) -> str | int | float | bool | None:
    """Return a cell value that cannot become a formula (dates as ISO text, decimals as numbers)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    escaped = escape_cell(str(value))
    assert isinstance(escaped, str)
    return escaped


def to_csv(sheet: Sheet) -> bytes:
    """Write one sheet as RFC 4180 CSV (UTF-8 with BOM so spreadsheet programs detect it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_value(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if (v := safe_value(value)) is None else v for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_csv_sections(sheets: Sequence[Sheet]) -> bytes:
    """Write several sheets into one CSV, each under a title row and separated by a blank row."""
    parts: list[bytes] = []
    for index, sheet in enumerate(sheets):
        body = to_csv(sheet).decode("utf-8").lstrip("\ufeff")
        title = to_csv(Sheet(sheet.title, (sheet.title,), ())).decode("utf-8").lstrip("\ufeff")
        parts.append((("\r\n" if index else "") + title + body).encode("utf-8"))
    return b"\xef\xbb\xbf" + b"".join(parts)


def _xlsx_text(value: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Write the sheets as one XLSX workbook with text cells that are never formulas."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title))
        worksheet.append([_xlsx_text(h) for h in sheet.headers])
        for row in sheet.rows:
            cells = [safe_value(value) for value in row]
            worksheet.append([_xlsx_text(c) if isinstance(c, str) else c for c in cells])
        for column in worksheet.iter_cols():
            for cell in column:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for index in range(1, len(sheet.headers) + 1):
            worksheet.column_dimensions[get_column_letter(index)].width = 18
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return (cleaned or "Sheet")[:31]


def export_filename(kind: str, on: date, extension: str) -> str:
    """Return the server-made download name, e.g. ``diligence-dashboard-2026-11-27.xlsx``."""
    safe_kind = "".join(c if c.isalnum() or c == "-" else "-" for c in kind.lower()).strip("-")
    return f"diligence-{safe_kind or 'export'}-{on.isoformat()}.{extension}"
