"""`diligence storage rewrap`: put every stored document under the current storage key."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from app.audit import actors
from app.core.cli import cli_session, console, err_console, fail
from app.core.config import get_settings
from app.reports.rotation import rewrap_all
from app.reports.storage import StorageUnavailable
from app.reports.storage_backends import get_storage

app = typer.Typer(help="Document storage maintenance.", no_args_is_help=True)


@app.callback()
def _storage() -> None:
    """Document storage maintenance."""


@app.command("rewrap")
def rewrap() -> None:
    """After a storage key rotation, re-wrap every document's key under the new storage key.

    Set the new key as DILIGENCE_STORAGE_KEY and the old one in DILIGENCE_STORAGE_PREVIOUS_KEYS
    first. Exits 1 when an object is missing or no configured key opens it.
    """
    settings = get_settings()
    try:
        storage = get_storage(settings)
    except (RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with cli_session() as session, Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Re-wrapping documents", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            run = rewrap_all(session, storage, actor=actors.CLI, on_progress=advance)
        except StorageUnavailable as exc:
            raise fail(f"{exc.message} (objects done so far stay done; run it again)") from None
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(run.outcomes.items()))
    console.print(f"stored objects: {summary or 'none'}", highlight=False)
    for problem in run.problems:
        err_console.print(problem, highlight=False, soft_wrap=True)
    if not run.ok:
        raise typer.Exit(1)
