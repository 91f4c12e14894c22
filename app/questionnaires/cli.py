"""`diligence questionnaires …`: lint wording, import spreadsheets, export definitions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from app.questionnaires.domain.definition import definition_to_yaml
from app.questionnaires.domain.lint import Severity, lint_definition
from app.questionnaires.domain.parsing import parse_definition
from app.questionnaires.domain.sheet_format import SheetFormat
from app.questionnaires.errors import QuestionnaireError, SpreadsheetImportError
from app.questionnaires.lint_cli import Report as _Report
from app.questionnaires.lint_cli import fail as _fail
from app.questionnaires.lint_cli import lint_command
from app.questionnaires.lint_cli import print_reports as _print_reports
from app.questionnaires.loader import (
    display_name,
    find_definition,
    released_versions,
)
from app.questionnaires.releases import ensure_manifest

if TYPE_CHECKING:
    from app.questionnaires.domain.mapping import ColumnMapping

app = typer.Typer(
    help="Questionnaire definitions: lint wording, import and export spreadsheets.",
    no_args_is_help=True,
)
app.command("lint")(lint_command)

SUFFIXES = (".xlsx", ".csv", ".json")
_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def _load_mapping(path: Path | None) -> ColumnMapping | None:
    from app.questionnaires.domain.mapping import ColumnMapping

    if path is None:
        return None
    try:
        return ColumnMapping.from_data(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError) as error:
        raise _fail(f"{path}: {error}") from error


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A .xlsx, .csv or VSAQ .json questionnaire.")],
    slug: Annotated[
        str | None, typer.Option("--slug", help="Default: from the recognised standard or file.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Default: from the file.")] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    out_dir: Annotated[Path, typer.Option("--out-dir")] = Path("questionnaires"),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check; write nothing.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="End with one JSON object: format, questions...")
    ] = False,
    mapping_file: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help="A saved column mapping (JSON: sheet, header_row, columns)."
        ),
    ] = None,
) -> None:
    """Import a questionnaire (CAIQ, HECVAT, K-12CVAT, SIG, VSAQ or our columns) as a draft."""
    from app.questionnaires.formats import import_file  # openpyxl: slow

    mapping = _load_mapping(mapping_file)

    if slug is not None and not _SLUG.match(slug):
        raise _fail(f"'{slug}' is not a valid slug (lower-case words joined by '-')")
    if file.suffix.lower() not in SUFFIXES or not file.is_file():
        raise _fail(f"{file}: expected an existing .xlsx, .csv or .json file")

    def next_version(chosen: str) -> int:
        versions = released_versions(out_dir, chosen) if out_dir.is_dir() else []
        return (versions[-1] + 1) if versions else 1

    try:
        imported = import_file(
            file,
            slug=slug,
            title=title,
            version_for=next_version,
            description=description,
            mapping=mapping,
        )
        definition = imported.definition
        target = out_dir / definition.slug / f"v{definition.version}.yaml"
        yaml_text = definition_to_yaml(definition)
        parse_definition(yaml_text, display_name(target))
    except SpreadsheetImportError as error:
        err = Console(stderr=True, highlight=False)
        for problem in error.problems:
            err.print(Text(f"{file}: {problem}"), soft_wrap=True)
        raise _fail("nothing was written") from error
    except QuestionnaireError as error:
        raise _fail(str(error)) from error
    if not _SLUG.match(definition.slug):
        raise _fail(f"'{definition.slug}' is not a valid slug; give one with --slug")
    if not dry_run:
        ensure_manifest(out_dir)  # the imported version lands as a draft
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:
            handle.write(yaml_text)
    reports = [
        _Report(located.finding, question=located.question_id, path=located.path_text)
        for located in lint_definition(definition)
    ]
    if as_json:
        summary = {
            "format": imported.format,
            "questions": imported.question_count,
            "follow_ups": imported.source.follow_ups if imported.source else 0,
            "answered": len(imported.source.answered) if imported.source else 0,
            "slug": definition.slug,
            "title": definition.title,
            "version": definition.version,
            "written": None if dry_run else display_name(target),
            "findings": [report.as_json() for report in reports],
        }
        typer.echo(json.dumps(summary))
    else:
        console = Console(highlight=False)
        where = "dry run, nothing written" if dry_run else f"wrote {display_name(target)} (draft)"
        line = f"{imported.format}: {imported.question_count} questions; {where}"
        console.print(Text(line), soft_wrap=True)
        _print_reports(reports, as_json=False, checked=f"{definition.slug} v{definition.version}")
    if any(report.finding.severity is Severity.ERROR for report in reports):
        raise typer.Exit(code=1)


@app.command("read-answers")
def read_answers_command(
    file: Annotated[Path, typer.Argument(help="A completed CAIQ, HECVAT or similar .xlsx.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Read every answered question of a completed questionnaire, with its ID and notes."""
    from app.questionnaires.formats import read_answers  # openpyxl: slow

    if file.suffix.lower() not in SUFFIXES or not file.is_file():
        raise _fail(f"{file}: expected an existing .xlsx, .csv or .json file")
    try:
        source = read_answers(file)
    except QuestionnaireError as error:
        raise _fail(str(error).splitlines()[0]) from error
    answers = [
        {
            "id": q.source_id,
            "question": q.text,
            "answer": q.answer,
            "notes": q.notes,
            "sheet": q.sheet,
            "row": q.row,
        }
        for q in source.answered
    ]
    if as_json:
        typer.echo(json.dumps({"format": source.format, "answers": answers}))
        return
    console = Console(highlight=False)
    for answer in answers:
        console.print(Text(f"{answer['id']}: {answer['answer']}"), soft_wrap=True)
    console.print(Text(f"{source.format}: {len(answers)} answers"), soft_wrap=True)


@app.command("export")
def export_command(
    slug: Annotated[str, typer.Argument(help="Questionnaire slug.")],
    sheet_format: Annotated[SheetFormat, typer.Option("--format", help="xlsx or csv.")],
    version: Annotated[int | None, typer.Option("--version", help="Default: latest.")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Output file.")] = None,
    root: Annotated[Path, typer.Option("--root", help="Library folder.")] = Path("questionnaires"),
) -> None:
    """Export a definition to a spreadsheet, one question per row, safe to open in Excel."""
    from app.questionnaires.spreadsheet import definition_to_rows, write_rows  # openpyxl: slow

    try:
        loaded = find_definition(root, slug, version)
    except QuestionnaireError as error:
        raise _fail(str(error)) from error
    definition = loaded.definition
    target = output or Path(f"{slug}-v{definition.version}.{sheet_format.value}")
    if target.suffix.lower() != f".{sheet_format.value}":
        raise _fail(f"--output must end in .{sheet_format.value}")
    try:
        write_rows(definition_to_rows(definition), target)
    except OSError as error:
        raise _fail(f"cannot write {target}: {error.strerror}") from error
    Console(highlight=False).print(
        Text(f"wrote {target} ({definition.slug} v{definition.version})"), soft_wrap=True
    )
