"""Linting definition files: read each one, then lint its wording where it sits."""

from __future__ import annotations

from pathlib import Path

from app.questionnaires.domain.lint import Finding, Severity, lint_definition
from app.questionnaires.errors import InvalidDefinition
from app.questionnaires.lint_cli import Report
from app.questionnaires.loader import definition_files, display_name, load_definition_file


def expand(paths: list[Path]) -> list[Path]:
    """Return the definition files named or held by folders; raise for a missing path."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = definition_files(path) or sorted(path.rglob("*.yaml"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(2, "no such file or folder", str(path))
    return files


def lint_file(path: Path) -> list[Report]:
    """Return the findings of one file, or why it cannot be read as a definition."""
    try:
        loaded = load_definition_file(path)
    except InvalidDefinition as error:
        return [
            Report(
                Finding("invalid-definition", Severity.ERROR, problem.message, "Fix the file."),
                file=problem.source,
                line=problem.line,
                path=problem.path or None,
            )
            for problem in error.problems
        ]
    name = display_name(path)
    return [
        Report(
            located.finding,
            file=name,
            line=loaded.parsed.line_for(located.path),
            question=located.question_id,
            path=located.path_text,
        )
        for located in lint_definition(loaded.definition)
    ]
