"""`diligence reports ...`: read the facts of a SOC report, bridge letter or certificate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.reports.domain.facts import FIELD_NAMES, ExtractionResult
from app.reports.errors import ReportReadError
from app.reports.extraction import extract_facts_from_pdf

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
        result = extract_facts_from_pdf(data)
    except ReportReadError as error:
        _fail(f"{path.name}: {error}")
    if as_json:
        typer.echo(result.to_json())
    else:
        _print_table(path.name, result)


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
        table.add_row(field, shown, f"{result.confidence.get(field, 0.0):.2f}", where)
    console.print(table)
    for item in result.exceptions:
        console.print(
            f"exception {item.control_id or '?'} (p.{item.page}): {item.result[:100]}", markup=False
        )
    for warning in result.warnings:
        console.print(f"warning {warning.code}: {warning.message}", markup=False)
