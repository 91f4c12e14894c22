"""Read a .xlsx or .csv file into the plain `Workbook` model, list validations included.

Validations name their values three ways: a literal list (`"Yes,No,NA"`), a range on another
sheet (`Values!$A$4:$A$5`) or a defined name (`yes`); all three are resolved here.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any, Final

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from app.questionnaires.domain.workbook import Cell, CellRange, Sheet, Validation, Workbook
from app.questionnaires.errors import RowProblem, SpreadsheetImportError

MAX_ROWS: Final = 5000
MAX_COLUMNS: Final = 40
_SHEET_RANGE: Final = re.compile(
    r"^'?(?P<sheet>[^'!]+)'?!(?P<range>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$"
)


def read_workbook(path: Path) -> Workbook:
    """Read every sheet of a .xlsx file, or the one table of a .csv file."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions (conditional formats) it does not keep
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise SpreadsheetImportError([RowProblem(1, "", "not a readable .xlsx file")]) from error
    try:
        return Workbook(tuple(_sheet(book, sheet) for sheet in book.worksheets))
    finally:
        book.close()


def _read_csv(path: Path) -> Workbook:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [tuple(line) for line in itertools.islice(csv.reader(handle), MAX_ROWS + 2)]
    except UnicodeDecodeError as error:
        raise SpreadsheetImportError([RowProblem(1, "", "CSV is not UTF-8 text")]) from error
    return Workbook((Sheet(path.stem, tuple(rows)),))


def _value(value: Any) -> Cell:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _sheet(book: OpenpyxlWorkbook, sheet: Worksheet) -> Sheet:
    lines = itertools.islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), MAX_ROWS + 2)
    rows = tuple(_trimmed(tuple(_value(cell) for cell in line)) for line in lines)
    while rows and not any(cell not in (None, "") for cell in rows[-1]):
        rows = rows[:-1]
    return Sheet(sheet.title, rows, tuple(_validations(book, sheet)))


def _trimmed(line: tuple[Cell, ...]) -> tuple[Cell, ...]:
    end = len(line)
    while end and line[end - 1] in (None, ""):
        end -= 1
    return line[:end]


def _validations(book: OpenpyxlWorkbook, sheet: Worksheet) -> list[Validation]:
    found = []
    for validation in sheet.data_validations.dataValidation:
        if validation.type != "list" or not validation.formula1:
            continue
        values = _list_values(book, str(validation.formula1))
        ranges = []
        for text in str(validation.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(text)
            if None not in (min_col, min_row, max_col, max_row):
                ranges.append(CellRange(min_row, min_col, max_row, max_col))
        if values and ranges:
            found.append(Validation(tuple(ranges), values))
    return found


def _list_values(book: OpenpyxlWorkbook, formula: str) -> tuple[str, ...]:
    """Return the values a list validation formula allows."""
    formula = formula.strip().lstrip("=")
    if formula.startswith('"'):
        return tuple(part.strip() for part in formula.strip('"').split(",") if part.strip())
    defined = book.defined_names.get(formula)
    target = str(defined.attr_text) if defined is not None else formula
    match = _SHEET_RANGE.match(target)
    if match is None or match.group("sheet") not in book.sheetnames:
        return ()
    area = book[match.group("sheet")][match.group("range").replace("$", "")]
    cells = area if isinstance(area, tuple) else ((area,),)
    values = []
    for line in cells:
        for cell in line if isinstance(line, tuple) else (line,):
            if cell.value not in (None, ""):
                values.append(str(cell.value).strip())
    return tuple(values)
