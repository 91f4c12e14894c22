"""A user's mapping for a spreadsheet in no known layout: which sheet, header row and columns.

Columns are named by their header text (so a saved mapping still fits when a column moves)
or by letter (`B`). Rows below the header with question text become questions; a row without
text is skipped, a type no one knows is a row-level problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from app.questionnaires.domain.source import SourceQuestion, SourceQuestionnaire
from app.questionnaires.domain.vocabulary import QuestionType
from app.questionnaires.domain.workbook import Sheet, Workbook, text_of
from app.questionnaires.errors import RowProblem

ROLES: Final = ("id", "question", "section", "type", "help")
_LETTERS: Final = re.compile(r"^[A-Z]{1,2}$")
_TYPE_WORDS: Final = {
    "yes/no": QuestionType.YES_NO,
    "yes no": QuestionType.YES_NO,
    "yesno": QuestionType.YES_NO,
    "boolean": QuestionType.YES_NO,
    "text": QuestionType.LONG_TEXT,
    "short text": QuestionType.SHORT_TEXT,
    "long text": QuestionType.LONG_TEXT,
    "date": QuestionType.DATE,
    "number": QuestionType.NUMBER,
    **{kind.value: kind for kind in QuestionType if kind is not QuestionType.FILE_UPLOAD},
}
PREVIEW_ROWS: Final = 5


@dataclass(frozen=True)
class ColumnMapping:
    """Where the questions are in a workbook a user mapped by hand."""

    sheet: str
    header_row: int
    columns: dict[str, str]

    @classmethod
    def from_data(cls, data: Any) -> ColumnMapping:
        """Read a saved mapping (JSON data); raise ValueError naming what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("a mapping is an object with sheet, header_row and columns")
        columns = data.get("columns")
        if not isinstance(columns, dict) or not columns.get("question"):
            raise ValueError("a mapping names at least the 'question' column")
        unknown = set(columns) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown column roles: {', '.join(sorted(unknown))}")
        header_row = data.get("header_row", 1)
        if not isinstance(header_row, int) or header_row < 1:
            raise ValueError("header_row is a row number from 1")
        return cls(str(data.get("sheet", "")), header_row, {k: str(v) for k, v in columns.items()})

    def as_data(self) -> dict[str, Any]:
        """Return the mapping as the JSON data it is saved as."""
        return {"sheet": self.sheet, "header_row": self.header_row, "columns": self.columns}


def _column_index(sheet: Sheet, header_row: int, name: str) -> int | None:
    wanted = name.strip()
    if _LETTERS.match(wanted):
        index = 0
        for letter in wanted:
            index = index * 26 + (ord(letter) - 64)
        return index
    header = sheet.rows[header_row - 1] if header_row <= len(sheet.rows) else ()
    for index, value in enumerate(header, start=1):
        if text_of(value).lower() == wanted.lower():
            return index
    return None


def headers_of(sheet: Sheet, header_row: int) -> list[str]:
    """Return the header texts of a row, for the mapping form's choices."""
    if header_row > len(sheet.rows):
        return []
    return [text_of(value) for value in sheet.rows[header_row - 1] if text_of(value)]


def preview_rows(sheet: Sheet, header_row: int) -> list[list[str]]:
    """Return the first rows below the header as text, for the mapping preview."""
    rows = sheet.rows[header_row : header_row + PREVIEW_ROWS]
    return [[text_of(value)[:120] for value in line] for line in rows]


def mapped_questions(
    workbook: Workbook, mapping: ColumnMapping
) -> tuple[SourceQuestionnaire, list[RowProblem]]:
    """Read the questions a mapping points at, with the problems of each row."""
    sheet = workbook.sheet(mapping.sheet) or (workbook.sheets[0] if workbook.sheets else None)
    if sheet is None:
        return (SourceQuestionnaire("mapped", "", "", ()), [RowProblem(1, "", "no sheet")])
    problems: list[RowProblem] = []
    index = {}
    for role, name in mapping.columns.items():
        if not name:
            continue
        found = _column_index(sheet, mapping.header_row, name)
        if found is None:
            problems.append(RowProblem(mapping.header_row, role, f"no column '{name}'"))
        else:
            index[role] = found
    if "question" not in index:
        return (SourceQuestionnaire("mapped", "", sheet.name, ()), problems)
    questions = []
    section = sheet.name
    for number in range(mapping.header_row + 1, len(sheet.rows) + 1):
        text = text_of(sheet.cell(number, index["question"]))
        if "section" in index and text_of(sheet.cell(number, index["section"])):
            section = text_of(sheet.cell(number, index["section"]))
        if not text:
            continue
        kind = QuestionType.LONG_TEXT
        if "type" in index:
            raw = text_of(sheet.cell(number, index["type"])).lower()
            if raw and raw not in _TYPE_WORDS:
                problems.append(RowProblem(number, "type", f"unknown type '{raw}'"))
                continue
            kind = _TYPE_WORDS.get(raw, QuestionType.LONG_TEXT)
        source_id = text_of(sheet.cell(number, index["id"])) if "id" in index else ""
        questions.append(
            SourceQuestion(
                source_id=source_id or f"row-{number}",
                section=section,
                text=text,
                kind=kind,
                help=text_of(sheet.cell(number, index["help"])) or None
                if "help" in index
                else None,
                sheet=sheet.name,
                row=number,
            )
        )
    if not questions and not problems:
        problems.append(RowProblem(mapping.header_row + 1, "question", "no question text found"))
    return (SourceQuestionnaire("mapped", "", sheet.name, tuple(questions)), problems)
