"""Domain errors of the questionnaires feature (no HTTP knowledge; services map them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class QuestionnaireError(Exception):
    """Base class for every questionnaire-feature error."""


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a definition file, located by line and data path."""

    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        """Render as `file:line: path: message`, the way compilers report."""
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class InvalidDefinition(QuestionnaireError):
    """A questionnaire definition file does not parse or does not validate."""

    def __init__(self, problems: Sequence[DefinitionProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class DefinitionNotFound(QuestionnaireError):
    """No definition file exists for the requested slug and version."""


class IncompleteProfile(QuestionnaireError):
    """The vendor-profile answers lack what the inherent-tier rule needs."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__("vendor profile is missing answers for: " + ", ".join(self.missing))


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with a spreadsheet row (row numbers as the user sees them)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        """Render as `row N, column: message`."""
        column = f", {self.column}" if self.column else ""
        return f"row {self.row}{column}: {self.message}"


class SpreadsheetImportError(QuestionnaireError):
    """A spreadsheet could not be turned into a definition; nothing was written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
