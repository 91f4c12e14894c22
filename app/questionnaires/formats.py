"""Import any questionnaire file: a standard layout (CAIQ, HECVAT, K-12CVAT, SIG, VSAQ) or our own.

Recognition is by structure (see `domain/standards.py`, `domain/sheet_layout.py`,
`domain/vsaq.py`); a spreadsheet with our own columns (`section`, `question`, `type`) goes
through `spreadsheet.py` as before and is reported as the "generic" format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.mapping import ColumnMapping, mapped_questions
from app.questionnaires.domain.sheet_layout import question_sheets
from app.questionnaires.domain.source import SourceQuestionnaire
from app.questionnaires.domain.source_definition import to_definition
from app.questionnaires.domain.standards import read_standard
from app.questionnaires.domain.vsaq import VsaqError, read_vsaq
from app.questionnaires.domain.workbook import Workbook
from app.questionnaires.errors import RowProblem, SpreadsheetImportError
from app.questionnaires.spreadsheet import (
    REQUIRED_COLUMNS,
    normalise_header,
    read_rows,
    rows_to_definition,
)
from app.questionnaires.workbook_reader import read_workbook

SUFFIXES: Final = (".xlsx", ".csv", ".json")
GENERIC: Final = "generic"
MAX_JSON_BYTES: Final = 5 * 1024 * 1024


@dataclass(frozen=True)
class ImportedFile:
    """A file read as a definition, with the layout it was recognised as."""

    format: str
    definition: QuestionnaireDefinition
    source: SourceQuestionnaire | None
    default_slug: str
    default_title: str

    @property
    def question_count(self) -> int:
        """Return how many questions the file holds (follow-ups we add not counted)."""
        if self.source is not None:
            return len(self.source.questions)
        return sum(1 for _ in self.definition.questions())


def _has_own_columns(workbook: Workbook) -> bool:
    first = workbook.sheets[0] if workbook.sheets else None
    if first is None or not first.rows:
        return False
    headers = {normalise_header(value) for value in first.rows[0]}
    return all(name in headers for name in REQUIRED_COLUMNS)


def read_source(path: Path) -> SourceQuestionnaire | None:
    """Read a published questionnaire; None when the file is in our own column layout."""
    if path.suffix.lower() == ".json":
        data = path.read_bytes()[: MAX_JSON_BYTES + 1]
        if len(data) > MAX_JSON_BYTES:
            raise SpreadsheetImportError([RowProblem(1, "", "the JSON file is too large")])
        try:
            return read_vsaq(data.decode("utf-8-sig"), path.stem)
        except (VsaqError, UnicodeDecodeError) as error:
            raise SpreadsheetImportError([RowProblem(1, "", str(error))]) from error
    workbook = read_workbook(path)
    if _has_own_columns(workbook):
        return None
    if not question_sheets(workbook):
        return None  # no ID column: our own layout, whose reader names the missing columns
    return read_standard(workbook)


def read_mapped(path: Path, mapping: ColumnMapping) -> SourceQuestionnaire:
    """Read the questions a user's column mapping points at; raise with row problems."""
    if path.suffix.lower() == ".json":
        raise SpreadsheetImportError([RowProblem(1, "", "a mapping applies to spreadsheets")])
    source, problems = mapped_questions(read_workbook(path), mapping)
    if problems:
        raise SpreadsheetImportError(problems)
    return source


def _slug_from(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    slug = "-".join(words) or "imported"
    return slug if slug[0].isalpha() else f"q-{slug}"


def import_file(
    path: Path,
    *,
    slug: str | None,
    title: str | None,
    version_for: Callable[[str], int],
    description: str | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportedFile:
    """Read a file as the next version of a definition (nothing is written here).

    With a mapping, the file is read where the mapping points (format "mapped").
    """
    source = read_mapped(path, mapping) if mapping is not None else read_source(path)
    if source is None:
        default_slug, default_title = _slug_from(path.stem), path.stem
        chosen = slug or default_slug
        definition = rows_to_definition(
            read_rows(path),
            slug=chosen,
            title=title or default_title,
            version=version_for(chosen),
            description=description,
        )
        return ImportedFile(GENERIC, definition, None, default_slug, default_title)
    default_slug = _standard_slug(source) or _slug_from(path.stem)
    default_title = source.title or path.stem
    chosen = slug or default_slug
    definition = to_definition(
        source, slug=chosen, title=title or default_title, version=version_for(chosen)
    )
    if description:
        definition = definition.model_copy(update={"description": description})
    return ImportedFile(source.format, definition, source, default_slug, default_title)


def layout_name(source: SourceQuestionnaire) -> str:
    """Return the layout with its major version (`caiq-v4`), the key crosswalks use."""
    return _standard_slug(source) or source.format


def _standard_slug(source: SourceQuestionnaire) -> str:
    if source.format in (GENERIC, "mapped"):
        return ""
    if source.format == "vsaq":
        return _slug_from(f"vsaq {source.title.replace('Questionnaire', '')}")
    major = source.edition.split(".")[0]
    return f"{source.format}-v{major}" if major else source.format


def read_answers(path: Path) -> SourceQuestionnaire:
    """Read a completed questionnaire; its answered questions carry answer and notes."""
    source = read_source(path)
    if source is None or not source.answered:
        raise SpreadsheetImportError(
            [
                RowProblem(
                    1,
                    "",
                    "no answered question found: expected a completed CAIQ, HECVAT or the like",
                )
            ]
        )
    return source
