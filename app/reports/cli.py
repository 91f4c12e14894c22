"""`diligence reports ...`: read the facts of a SOC report, bridge letter or certificate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.reports.domain.evaluation import Evaluation
from app.reports.domain.facts import FIELD_NAMES, ExtractionResult
from app.reports.errors import ReportReadError
from app.reports.evaluation import LabelsError, evaluate_folder, load_labels
from app.reports.extraction import extract_facts_from_pdf
from app.reports.sandbox import direct_children

app = typer.Typer(
    help="Read facts from SOC reports and other assurance documents.", no_args_is_help=True
)

_UNREADABLE = 2


@app.callback()
def _reports() -> None:
    """Read facts from SOC reports and other assurance documents."""


@app.command("extract")
def extract(
    path: Annotated[Path, typer.Argument(help="PDF file to read.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print the facts read from one PDF."""
    try:
        data = path.read_bytes()
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}")
    try:
        # One document in the main thread, then exit: the forkserver would cost more than
        # the reading.
        with direct_children():
            result = extract_facts_from_pdf(data)
    except ReportReadError as error:
        _fail(f"{path.name}: {error}")
    if as_json:
        typer.echo(result.to_json())
    else:
        _print_table(path.name, result)


@app.command("evaluate")
def evaluate(
    labels_path: Annotated[Path, typer.Argument(metavar="LABELS.json", help="Hand-made labels.")],
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder holding the PDFs.")],
    informative: Annotated[
        bool,
        typer.Option("--informative", help="Score only the fields each kind of document carries."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Read every labelled PDF and print per-field accuracy, per-file misses and timings."""
    try:
        labels = load_labels(labels_path)
    except LabelsError as error:
        _fail(str(error))
    if not folder.is_dir():
        _fail(f"not a folder: {folder}")
    # The files are read one after another in the main thread, with no progress display
    # (whose refresh thread would send the readers back to the forkserver).
    with direct_children():
        result = evaluate_folder(labels, folder, informative=informative)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        _print_evaluation(result, informative=informative)


def _print_evaluation(result: Evaluation, *, informative: bool) -> None:
    console = Console(highlight=False)
    fields = Table(title="Fields" + (" (informative only)" if informative else ""))
    fields.add_column("Field")
    fields.add_column("Right", justify="right")
    fields.add_column("Accuracy", justify="right")
    for name in FIELD_NAMES:
        if name in result.per_field:
            right, total = result.per_field[name]
            fields.add_row(name, f"{right}/{total}", f"{right / total:.2f}")
    console.print(fields)
    files = Table(title="Files")
    files.add_column("File")
    files.add_column("Right", justify="right")
    files.add_column("Seconds", justify="right")
    files.add_column("Error")
    for item in result.files:
        files.add_row(item.file, f"{item.right}/{item.total}", f"{item.seconds:.2f}", item.error)
    console.print(files)
    for item in result.files:
        for miss in item.misses:
            console.print(
                f"miss {item.file} {miss.field}: got {miss.found!r}, want {miss.wanted!r}",
                markup=False,
                soft_wrap=True,
            )
    console.print(f"overall: {result.right}/{result.total} = {result.accuracy:.3f}", markup=False)


def _fail(message: str) -> None:
    Console(stderr=True).print(f"error: {message}", markup=False, highlight=False)
    raise typer.Exit(code=_UNREADABLE)


def _print_table(name: str, result: ExtractionResult) -> None:
    console = Console()
    table = Table(title=f"{name} ({result.page_count} pages)")
    table.add_column("Field")
    table.add_column("Value")
    table.add_column("Confidence", justify="right")
    table.add_column("Evidence")
    data = result.as_dict()
    for field in FIELD_NAMES:
        value = data[field]
        shown = (
            ", ".join(map(str, value))
            if isinstance(value, list)
            else "—"
            if value is None
            else str(value)
        )
        evidence = result.evidence.get(field, ())
        where = f"p.{evidence[0].page}: {evidence[0].snippet[:60]}" if evidence else ""
        if evidence and evidence[0].ocr:
            where += " (read by OCR)"
        table.add_row(field, shown, f"{result.confidence.get(field, 0.0):.2f}", where)
    console.print(table)
    for item in result.exceptions:
        console.print(
            f"exception {item.control_id or '?'} (p.{item.page}): {item.result[:100]}", markup=False
        )
    for warning in result.warnings:
        console.print(f"warning {warning.code}: {warning.message}", markup=False)
