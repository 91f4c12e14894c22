"""Read a .xlsx or .csv file into the plain `Workbook` model, list validations included.

Cell values come from openpyxl in read-only mode (fast on large published workbooks). List
validations are read from the sheet XML directly, both the classic ones and the Excel 2010
extension ones (`x14:dataValidation`, used when the list sits on another sheet), which
openpyxl drops. A validation names its values three ways: a literal list (`"Yes,No,NA"`), a
range (`Values!$A$4:$A$5`) or a defined name (`yes`); all three are resolved here.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final
from xml.etree.ElementTree import Element

import openpyxl
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from openpyxl.utils.cell import range_boundaries

from app.questionnaires.domain.workbook import Cell, CellRange, Sheet, Validation, Workbook
from app.questionnaires.errors import RowProblem, SpreadsheetImportError

MAX_ROWS: Final = 5000
MAX_COLUMNS: Final = 40
MAX_XML_BYTES: Final = 64 * 1024 * 1024
_MAIN: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_X14: Final = "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/main}"
_XM: Final = "{http://schemas.microsoft.com/office/excel/2006/main}"
_RANGE: Final = re.compile(
    r"^(?:'(?P<quoted>[^']+)'|(?P<sheet>[^'!]+))!(?P<range>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$"
)


def read_workbook(path: Path) -> Workbook:
    """Read every sheet of a .xlsx file, or the one table of a .csv file."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    try:
        grids = _read_values(path)
        raw = _read_validations(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, DefusedXmlException) as error:
        raise SpreadsheetImportError([RowProblem(1, "", "not a readable .xlsx file")]) from error
    names, sheet_rules = raw
    sheets = []
    for name, rows in grids.items():
        validations = []
        for sqref, formula in sheet_rules.get(name, []):
            values = _list_values(formula, names, grids)
            ranges = tuple(_ranges(sqref))
            if values and ranges:
                validations.append(Validation(ranges, values))
        sheets.append(Sheet(name, rows, tuple(validations)))
    return Workbook(tuple(sheets))


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


def _trimmed(line: tuple[Cell, ...]) -> tuple[Cell, ...]:
    end = len(line)
    while end and line[end - 1] in (None, ""):
        end -= 1
    return line[:end]


def _read_values(path: Path) -> dict[str, tuple[tuple[Cell, ...], ...]]:
    with warnings.catch_warnings():
        # openpyxl warns, while reading rows, about extensions (conditional formats) it drops
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return {sheet.title: _grid(sheet) for sheet in book.worksheets}
        finally:
            book.close()


def _grid(sheet: Any) -> tuple[tuple[Cell, ...], ...]:
    lines = itertools.islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), MAX_ROWS + 2)
    rows = [_trimmed(tuple(_value(cell) for cell in line)) for line in lines]
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows)


def _xml(archive: zipfile.ZipFile, name: str) -> Element:
    if archive.getinfo(name).file_size > MAX_XML_BYTES:
        raise ValueError(f"{name} is too large")
    root: Element = ElementTree.fromstring(archive.read(name))
    return root


def _read_validations(
    path: Path,
) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """Return the defined names and, per sheet name, its list validations (sqref, formula)."""
    with zipfile.ZipFile(path) as archive:
        book = _xml(archive, "xl/workbook.xml")
        rels = _xml(archive, "xl/_rels/workbook.xml.rels")
        targets = {
            rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")
        }
        names = {
            item.get("name", ""): (item.text or "").strip()
            for item in book.iter(f"{_MAIN}definedName")
            if item.get("localSheetId") is None
        }
        rules: dict[str, list[tuple[str, str]]] = {}
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_REL}id"), "")
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            if member in archive.namelist():
                rules[sheet.get("name", "")] = list(_sheet_rules(_xml(archive, member)))
    return names, rules


def _sheet_rules(sheet: Element) -> Iterator[tuple[str, str]]:
    for rule in sheet.iter(f"{_MAIN}dataValidation"):
        formula = rule.find(f"{_MAIN}formula1")
        if rule.get("type") == "list" and formula is not None and formula.text:
            yield (rule.get("sqref", ""), formula.text)
    for rule in sheet.iter(f"{_X14}dataValidation"):
        formula = rule.find(f"{_X14}formula1/{_XM}f")
        sqref = rule.find(f"{_XM}sqref")
        if rule.get("type") == "list" and formula is not None and sqref is not None:
            yield (sqref.text or "", formula.text or "")


def _ranges(sqref: str) -> Iterator[CellRange]:
    for text in sqref.split():
        try:
            min_col, min_row, max_col, max_row = range_boundaries(text)
        except ValueError:
            continue
        if min_col and min_row and max_col and max_row:
            yield CellRange(min_row, min_col, max_row, max_col)


def _list_values(
    formula: str, names: dict[str, str], grids: dict[str, tuple[tuple[Cell, ...], ...]]
) -> tuple[str, ...]:
    """Return the values a list validation formula allows."""
    formula = formula.strip().lstrip("=")
    if formula.startswith('"'):
        return tuple(part.strip() for part in formula.strip('"').split(",") if part.strip())
    target = names.get(formula, formula)
    match = _RANGE.match(target)
    if match is None:
        return ()
    grid = grids.get(match.group("quoted") or match.group("sheet") or "")
    if grid is None:
        return ()
    try:
        min_col, min_row, max_col, max_row = range_boundaries(match.group("range").replace("$", ""))
    except ValueError:
        return ()
    values = []
    for row in range(min_row or 1, (max_row or 0) + 1):
        line = grid[row - 1] if row <= len(grid) else ()
        for col in range(min_col or 1, (max_col or 0) + 1):
            value = line[col - 1] if col <= len(line) else None
            if value not in (None, ""):
                values.append(str(value).strip())
    return tuple(values)
