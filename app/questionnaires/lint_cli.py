"""`diligence questionnaires lint`: the wording linter on the command line.

Linting one `--text` needs only the wording rules, so this module loads neither the definition
models nor YAML nor rich; definition files are read by ``lint_files``, imported when given.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from app.questionnaires.domain.lint import Finding, Severity, lint_text

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

app = typer.Typer(
    help="Questionnaire definitions: lint wording, import and export spreadsheets.",
    no_args_is_help=True,
)


@dataclass(frozen=True)
class Report:
    """One finding with where it was found, as the CLI prints it."""

    finding: Finding
    file: str | None = None
    line: int | None = None
    question: str | None = None
    path: str | None = None

    def as_json(self) -> dict[str, object]:
        """Return the JSON object printed by `--json`."""
        return {
            "rule": self.finding.rule,
            "severity": self.finding.severity.value,
            "message": self.finding.message,
            "suggestion": self.finding.suggestion,
            "file": self.file,
            "line": self.line,
            "question": self.question,
            "path": self.path,
        }


def fail(message: str) -> typer.Exit:
    """Print an error on stderr; return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def print_reports(reports: list[Report], *, as_json: bool, checked: str) -> None:
    """Print the findings (or their JSON) and a count per severity."""
    if as_json:
        typer.echo(json.dumps({"findings": [report.as_json() for report in reports]}, indent=2))
        return
    for report in reports:
        where = report.file or "text"
        if report.line is not None:
            where += f":{report.line}"
        severity = report.finding.severity
        bold = severity is Severity.ERROR
        line = f"{where}: " + typer.style(severity.value, fg=_COLOURS[severity], bold=bold)
        line += f" [{report.finding.rule}]"
        if report.question:
            line += f" {report.question}"
        typer.echo(line + f": {report.finding.message}")
        typer.echo(f"    suggestion: {report.finding.suggestion}")
    counts = dict.fromkeys(Severity, 0)
    for report in reports:
        counts[report.finding.severity] += 1
    summary = ", ".join(f"{counts[severity]} {severity.value}" for severity in Severity)
    typer.echo(f"{checked}: {summary}")


@app.command("lint")
def lint_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Definition files or folders.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Lint one question text.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print findings as JSON.")] = False,
) -> None:
    """Lint question wording in definition files, folders or one `--text`; exit 1 on errors."""
    if text is None and not paths:
        raise fail("give one or more PATHs or --text 'QUESTION'")
    reports = [Report(finding) for finding in lint_text(text)] if text is not None else []
    files: list[Path] = []
    if paths:
        # Definition files need the definition models and YAML: loaded only for them.
        lint_files = importlib.import_module("app.questionnaires.lint_files")
        try:
            files = lint_files.expand(paths)
        except FileNotFoundError as missing:
            raise fail(f"no such file or folder: {missing.filename}") from None
        for file in files:
            reports.extend(lint_files.lint_file(file))
    checked = f"{len(files)} file(s)" if files else "1 question"
    print_reports(reports, as_json=as_json, checked=checked)
    if any(report.finding.severity is Severity.ERROR for report in reports):
        raise typer.Exit(code=1)
