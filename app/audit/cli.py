"""``diligence audit``: verify the hash chain and export the log for off-site copies."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from app.audit import actors
from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.service import ChainHead
from app.core.cli import cli_session, console, err_console, fail

NO_CHECKPOINT_WARNING = (
    "No checkpoint given (--expect-head): this shows only that each event links to the one "
    "before it. It cannot detect events removed from the end, nor a log rewritten and rehashed "
    "from the start. Pass the head that `diligence audit export` printed and you kept "
    "off-site."
)

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def _parse_head(value: str | None) -> ChainHead | None:
    if not value:
        return None
    sequence, _, digest = value.partition(":")
    if not sequence.isdigit() or len(digest) != 64:
        raise fail("--expect-head must look like SEQUENCE:HASH (printed by `audit export`)")
    return ChainHead(int(sequence), digest.lower())


@app.command("verify")
def verify(
    expect_head: Annotated[
        str | None,
        typer.Option(help="SEQUENCE:HASH kept off-site from an earlier export; must still match."),
    ] = None,
) -> None:
    """Recompute the hash chain; exit 1 naming the first broken event.

    Checking records nothing, so the head stays where the off-site copy says it is.
    """
    expected = _parse_head(expect_head)
    with cli_session() as session:
        total = audit_service.count_events(session)
        broken = audit_service.verify(session, expected_head=expected)
        session.rollback()
    if broken is not None:
        raise fail(f"audit log broken at event {broken.sequence}: {broken.reason}")
    console.print(f"audit log intact: {total} events verified")
    if expected is None:
        err_console.print(NO_CHECKPOINT_WARNING, highlight=False, soft_wrap=True)


def _write_events(out: TextIO, *, show_progress: bool) -> tuple[int, ChainHead | None]:
    written = 0
    with cli_session() as session:
        total = audit_service.count_events(session)
        progress = Progress(
            TextColumn("exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            disable=not show_progress,
        )
        with progress:
            task = progress.add_task("export", total=total)
            for event in audit_service.iter_events(session):
                out.write(json.dumps(audit_service.event_as_dict(event), sort_keys=True) + "\n")
                written += 1
                progress.advance(task)
        last = audit_service.head(session)
        data = {"events": written, "head": f"{last.sequence}:{last.hash}" if last else ""}
        audit_service.record(
            session, actor=actors.CLI, action=AuditAction.audit_exported, data=data
        )
    return written, last


@app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option(help="File to write JSON Lines to (default: standard output).")
    ] = None,
) -> None:
    """Write every event as JSON Lines, for an off-site copy, and print the chain head."""
    if output is None:
        written, last = _write_events(sys.stdout, show_progress=False)
    else:
        try:
            with output.open("w", encoding="utf-8") as handle:
                written, last = _write_events(handle, show_progress=True)
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror}") from None
    summary = f"exported {written} events"
    if last is not None:
        summary += f"; keep this head off-site: {last.sequence}:{last.hash}"
    err_console.print(summary, highlight=False, soft_wrap=True)
