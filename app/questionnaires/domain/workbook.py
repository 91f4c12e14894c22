"""A spreadsheet as plain data: sheets of cells and the choices data validation allows.

The reader (`app/questionnaires/workbook_reader.py`) builds it from a file; everything that
recognises layouts works on this model, so it can be tested without files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class CellRange:
    """A rectangle of cells, 1-based and inclusive (as `C3:C263`)."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def holds(self, row: int, col: int) -> bool:
        """Tell whether the cell at row, column lies inside."""
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col


@dataclass(frozen=True)
class Validation:
    """A list data validation: the cells it covers and the values it allows."""

    ranges: tuple[CellRange, ...]
    values: tuple[str, ...]


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, its rows of values (row 1 first) and its list validations."""

    name: str
    rows: tuple[tuple[Cell, ...], ...]
    validations: tuple[Validation, ...] = ()

    def cell(self, row: int, col: int) -> Cell:
        """Return the value at a 1-based row and column (None outside the data)."""
        if row < 1 or row > len(self.rows) or col < 1:
            return None
        line = self.rows[row - 1]
        return line[col - 1] if col <= len(line) else None

    def choices_at(self, row: int, col: int) -> tuple[str, ...]:
        """Return the values a list validation allows in a cell (empty when none)."""
        for validation in self.validations:
            if any(area.holds(row, col) for area in validation.ranges):
                return validation.values
        return ()


@dataclass(frozen=True)
class Workbook:
    """Every sheet of a spreadsheet file, in tab order."""

    sheets: tuple[Sheet, ...] = field(default_factory=tuple)

    def sheet(self, name: str) -> Sheet | None:
        """Return the sheet with this name, or None."""
        return next((sheet for sheet in self.sheets if sheet.name == name), None)


def text_of(value: Cell) -> str:
    """Return a cell as trimmed text (whole floats without `.0`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def single_sheet(name: str, rows: Sequence[Sequence[Cell]]) -> Workbook:
    """Wrap plain rows (a CSV file) as a one-sheet workbook."""
    return Workbook((Sheet(name, tuple(tuple(line) for line in rows)),))
