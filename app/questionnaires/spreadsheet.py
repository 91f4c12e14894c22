"""Spreadsheet interchange: rows ⇄ questionnaire definitions, safe against formula injection.

One question per row. Import needs the columns `section`, `question`, `type` and accepts
`choices`, `required`, `help` plus the extra columns export writes (`id`, `allow_na`,
`maps_to`, `show_if`, `min`, `max`, `section_id`, `section_help`) so that export → import
gives back the same questions. Choices are `value: Label` items separated by new lines
(or by `;`); a bare label gets a value made from it. For file uploads the choices column
lists the document kinds. Row numbers are those a spreadsheet user sees (header = row 1).
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pydantic import ValidationError

from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.definition_checks import check_definition
from app.questionnaires.domain.source import identifier
from app.questionnaires.domain.vocabulary import CHOICE_TYPES, DOCUMENT_TYPES, QuestionType
from app.questionnaires.errors import RowProblem, SpreadsheetImportError

Cell = str | int | float | bool | None
Row = Mapping[str, Cell]

IMPORT_COLUMNS: Final = ("section", "question", "type", "choices", "required", "help")
EXPORT_COLUMNS: Final = (
    *IMPORT_COLUMNS,
    *("id", "allow_na", "maps_to", "show_if", "min", "max", "section_id", "section_help"),
)
REQUIRED_COLUMNS: Final = ("section", "question", "type")
FORMULA_TRIGGERS: Final = frozenset("=+-@\t\r\n\0")
"""Leading characters that make spreadsheet software evaluate a cell (OWASP CSV injection)."""

_TYPE_ALIASES: Final = {
    QuestionType.YES_NO: ("yes/no", "yes no", "yesno", "y/n", "boolean"),
    QuestionType.SINGLE_CHOICE: ("single choice", "single", "choice", "radio", "dropdown"),
    QuestionType.MULTIPLE_CHOICE: ("multiple choice", "multiple", "multi", "checkboxes"),
    QuestionType.SHORT_TEXT: ("short text", "text", "string"),
    QuestionType.LONG_TEXT: ("long text", "paragraph", "textarea"),
    QuestionType.DATE: ("date",),
    QuestionType.NUMBER: ("number", "numeric", "integer"),
    QuestionType.FILE_UPLOAD: ("file upload", "file", "upload", "attachment", "document"),
    QuestionType.TRUST_CENTER: ("trust center", "trust centre"),
}
_TYPE_NAMES: Final = {
    alias: kind for kind, aliases in _TYPE_ALIASES.items() for alias in (kind.value, *aliases)
}
_TRUE: Final = frozenset({"yes", "y", "true", "1", "required"})
_FALSE: Final = frozenset({"no", "n", "false", "0", "optional"})
_VALUED_CHOICE = re.compile(r"^([a-z0-9][a-z0-9_]*)\s*:\s*(\S.*)$", re.DOTALL)
_FIELD_COLUMNS: Final = {"text": "question", "choices": "choices", "document_kinds": "choices"}


def escape_cell(value: Cell) -> Cell:
    """Prefix text that a spreadsheet would run as a formula with `'` (numbers stay numbers)."""
    if isinstance(value, str) and value and (value[0] in FORMULA_TRIGGERS or value[0] == "'"):
        return "'" + value
    return value


def unescape_cell(value: Cell) -> Cell:
    """Undo `escape_cell` on text read back from a spreadsheet."""
    if not isinstance(value, str) or len(value) < 2 or value[0] != "'":
        return value
    return value[1:] if value[1] in FORMULA_TRIGGERS or value[1] == "'" else value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalise_header(name: Cell) -> str:
    """Turn a header cell such as ' Section Help ' into `section_help`."""
    return re.sub(r"[\s-]+", "_", _text(name).lower())


def check_headers(headers: Sequence[str]) -> list[RowProblem]:
    """Return problems with a header row: missing required or unknown columns."""
    problems = [
        RowProblem(1, name, f"missing column '{name}'")
        for name in REQUIRED_COLUMNS
        if name not in headers
    ]
    problems.extend(
        RowProblem(1, name, f"unknown column '{name}'")
        for name in headers
        if name and name not in EXPORT_COLUMNS
    )
    return problems


def rows_to_definition(
    rows: Sequence[Row], *, slug: str, title: str, version: int, description: str | None = None
) -> QuestionnaireDefinition:
    """Build a validated definition from data rows (row 2 onward); raise with row numbers."""
    builder = _Builder()
    for index, row in enumerate(rows):
        if any(_text(value) for value in row.values()):
            builder.add(index + 2, row)
    if not builder.sections and not builder.problems:
        builder.problems.append(RowProblem(2, "", "the spreadsheet has no questions"))
    if builder.problems:
        raise SpreadsheetImportError(builder.problems)
    data = {
        "slug": slug,
        "version": version,
        "title": title,
        "description": description or title,
        "sections": list(builder.sections.values()),
    }
    try:
        definition = QuestionnaireDefinition.model_validate(data)
    except ValidationError as error:
        raise SpreadsheetImportError(builder.locate_validation(error)) from error
    problems = [builder.locate(path, message) for path, message in check_definition(definition)]
    if problems:
        raise SpreadsheetImportError(problems)
    return definition


class _Builder:
    """Collects rows into section dicts, remembering which row each question came from."""

    def __init__(self) -> None:
        self.sections: dict[str, dict[str, Any]] = {}
        self.problems: list[RowProblem] = []
        self.row_of: dict[tuple[int, int], int] = {}
        self.section_index: dict[str, int] = {}
        self.section_ids: set[str] = set()
        self.question_ids: set[str] = set()

    def add(self, number: int, row: Row) -> None:
        """Add one non-blank row as a question of its section, or record its problems."""
        section = self._section(number, row)
        question = self._question(number, row)
        if section is None or question is None:
            return
        position = (self.section_index[section["title"]], len(section["questions"]))
        self.row_of[position] = number
        section["questions"].append(question)

    def _section(self, number: int, row: Row) -> dict[str, Any] | None:
        title = _text(row.get("section"))
        if not title:
            self.problems.append(RowProblem(number, "section", "section is empty"))
            return None
        if title not in self.sections:
            wanted = _text(row.get("section_id"))
            ident = wanted or identifier(title, self.section_ids)
            self.section_ids.add(ident)
            self.section_index[title] = len(self.sections)
            self.sections[title] = {"id": ident, "title": title, "questions": []}
        section = self.sections[title]
        if _text(row.get("section_help")) and "help" not in section:
            section["help"] = _text(row.get("section_help"))
        return section

    def _question(self, number: int, row: Row) -> dict[str, Any] | None:
        text = _text(row.get("question"))
        kind = _TYPE_NAMES.get(_text(row.get("type")).lower().replace("_", " "))
        kind = kind or _TYPE_NAMES.get(_text(row.get("type")).lower())
        problems_before = len(self.problems)
        if not text:
            self.problems.append(RowProblem(number, "question", "question is empty"))
        if kind is None:
            message = f"unknown type '{_text(row.get('type'))}'"
            self.problems.append(RowProblem(number, "type", message))
        question: dict[str, Any] = {"id": _text(row.get("id")), "type": kind, "text": text}
        self._flags(number, row, question)
        self._extras(number, row, question)
        if kind is not None:
            self._choices(number, row, kind, question)
        if len(self.problems) > problems_before:
            return None
        question["id"] = question["id"] or identifier(text, self.question_ids)
        self.question_ids.add(question["id"])
        return {key: value for key, value in question.items() if value is not None}

    def _flags(self, number: int, row: Row, question: dict[str, Any]) -> None:
        for column, default in (("required", True), ("allow_na", False)):
            raw = _text(row.get(column)).lower()
            if not raw:
                question[column] = default
            elif raw in _TRUE or raw in _FALSE:
                question[column] = raw in _TRUE
            else:
                self.problems.append(RowProblem(number, column, f"'{raw}' is not yes or no"))
        question["help"] = _text(row.get("help")) or None

    def _extras(self, number: int, row: Row, question: dict[str, Any]) -> None:
        question["maps_to"] = _text(row.get("maps_to")) or None
        for column in ("min", "max"):
            question[column] = self._number(number, column, row.get(column))
        raw = _text(row.get("show_if"))
        if raw:
            try:
                question["show_if"] = json.loads(raw)
            except json.JSONDecodeError:
                self.problems.append(RowProblem(number, "show_if", "show_if is not valid JSON"))

    def _number(self, number: int, column: str, value: Cell) -> int | float | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raw = _text(value)
        if not raw:
            return None
        try:
            parsed = float(raw)
        except ValueError:
            self.problems.append(RowProblem(number, column, f"'{raw}' is not a number"))
            return None
        return int(parsed) if parsed.is_integer() and "." not in raw else parsed

    def _choices(self, number: int, row: Row, kind: QuestionType, question: dict[str, Any]) -> None:
        raw = _text(row.get("choices"))
        items = [item.strip() for item in re.split(r"\n" if "\n" in raw else r";", raw)]
        items = [item for item in items if item]
        if kind in DOCUMENT_TYPES:
            if not items:
                message = "list the expected document kinds (e.g. soc2_report) in choices"
                self.problems.append(RowProblem(number, "choices", message))
            question["document_kinds"] = items
        elif kind in CHOICE_TYPES:
            values: set[str] = set()
            question["choices"] = [self._choice(item, values) for item in items]
        elif items:
            message = f"choices are only allowed on choice questions, not {kind}"
            self.problems.append(RowProblem(number, "choices", message))

    @staticmethod
    def _choice(item: str, values: set[str]) -> dict[str, str]:
        match = _VALUED_CHOICE.match(item)
        if match:
            values.add(match.group(1))
            return {"value": match.group(1), "label": match.group(2).strip()}
        return {"value": identifier(item, values, limit=30), "label": item}

    def locate(self, path: Sequence[str | int], message: str) -> RowProblem:
        """Turn a definition data path into a row problem."""
        if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
            number = self.row_of.get((int(path[1]), int(path[3])), 2)
            field = str(path[4]) if len(path) > 4 else ""
            return RowProblem(number, _FIELD_COLUMNS.get(field, field), message)
        return RowProblem(2, "", message)

    def locate_validation(self, error: ValidationError) -> list[RowProblem]:
        """Turn pydantic errors into row problems."""
        return [self.locate(detail["loc"], detail["msg"]) for detail in error.errors()]


def definition_to_rows(definition: QuestionnaireDefinition) -> list[dict[str, Cell]]:
    """Flatten a definition into export rows (unescaped; writers escape)."""
    rows: list[dict[str, Cell]] = []
    for section in definition.sections:
        for position, question in enumerate(section.questions):
            if question.type in DOCUMENT_TYPES:
                choices = "\n".join(question.document_kinds or ())
            else:
                choices = "\n".join(f"{c.value}: {c.label}" for c in question.choices or ())
            show_if = None
            if question.show_if is not None:
                show_if = json.dumps(question.show_if.model_dump(mode="json", by_alias=True))
            rows.append(
                {
                    "section": section.title,
                    "question": question.text,
                    "type": question.type.value,
                    "choices": choices or None,
                    "required": "yes" if question.required else "no",
                    "help": question.help,
                    "id": question.id,
                    "allow_na": "yes" if question.allow_na else "no",
                    "maps_to": question.maps_to,
                    "show_if": show_if,
                    "min": question.min,
                    "max": question.max,
                    "section_id": section.id,
                    "section_help": section.help if position == 0 else None,
                }
            )
    return rows


MAX_ROWS: Final = 5000
_XLSX_ILLEGAL: Final = ILLEGAL_CHARACTERS_RE


def read_rows(path: Path) -> list[dict[str, Cell]]:
    """Read the data rows of a .csv or .xlsx file keyed by normalised header; unescape text."""
    grid = _read_csv(path) if path.suffix.lower() == ".csv" else _read_xlsx(path)
    if not grid:
        raise SpreadsheetImportError([RowProblem(1, "", "the file is empty")])
    headers = [normalise_header(cell) for cell in grid[0]]
    problems = check_headers(headers)
    if len(grid) - 1 > MAX_ROWS:
        problems.append(RowProblem(MAX_ROWS + 2, "", f"more than {MAX_ROWS} question rows"))
    if problems:
        raise SpreadsheetImportError(problems)
    return [
        {name: unescape_cell(cell) for name, cell in zip(headers, line, strict=False) if name}
        for line in grid[1:]
    ]


def _read_csv(path: Path) -> list[list[Cell]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [list(line) for line in itertools.islice(csv.reader(handle), MAX_ROWS + 2)]
    except UnicodeDecodeError as error:
        raise SpreadsheetImportError([RowProblem(1, "", "CSV is not UTF-8 text")]) from error


def _read_xlsx(path: Path) -> list[list[Cell]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise SpreadsheetImportError([RowProblem(1, "", "not a readable .xlsx file")]) from error
    try:
        sheet = workbook.worksheets[0]
        lines = itertools.islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)
        return [list(line) for line in lines]
    finally:
        workbook.close()


def write_rows(rows: Sequence[Row], path: Path) -> None:
    """Write export rows to .csv or .xlsx, escaping every text cell against formula injection."""
    grid: list[list[Cell]] = [list(EXPORT_COLUMNS)]
    grid.extend([escape_cell(row.get(name)) for name in EXPORT_COLUMNS] for row in rows)
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerows(["" if cell is None else cell for cell in line] for line in grid)
        return
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "questions"
    for row_number, line in enumerate(grid, start=1):
        for column_number, value in enumerate(line, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            cell.value = _XLSX_ILLEGAL.sub("", value) if isinstance(value, str) else value
            if isinstance(value, str):
                # openpyxl turns any string starting with "=" into a formula; force plain text.
                cell.data_type = "s"
    workbook.save(path)
