"""`diligence storage ...`: re-wrap keys after a rotation, sweep orphans, verify integrity."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from app.audit import actors
from app.auth import mfa
from app.core.cli import cli_session, console, err_console, fail
from app.core.config import get_settings
from app.core.db import utcnow
from app.core.keys import encryption_keys
from app.reports.rotation import rewrap_all
from app.reports.storage import StorageUnavailable
from app.reports.storage_backends import get_storage
from app.reports.upkeep import check_integrity, sweep_orphans

app = typer.Typer(help="Document storage maintenance.", no_args_is_help=True)


@app.callback()
def _storage() -> None:
    """Document storage maintenance."""


@app.command("rewrap")
def rewrap() -> None:
    """After a storage key rotation, re-wrap every document's key under the new storage key.

    Set the new key as DILIGENCE_STORAGE_KEY and the old one in DILIGENCE_STORAGE_PREVIOUS_KEYS
    first. Second-factor secrets are sealed again under the new key too. Exits 1 when an
    object is missing or no configured key opens it (or a second-factor secret).
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
        # Second-factor secrets are sealed under the same keys: move them too.
        sealing = mfa.reseal_all(session, encryption_keys(settings))
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(run.outcomes.items()))
    console.print(f"stored objects: {summary or 'none'}", highlight=False)
    console.print(
        f"second-factor secrets: {sealing.resealed} resealed, {sealing.current} already current",
        highlight=False,
    )
    for problem in run.problems:
        err_console.print(problem, highlight=False, soft_wrap=True)
    for user_id in sealing.unreadable:
        err_console.print(
            f"user {user_id}: the second-factor secret is not opened by any configured key; "
            "an admin must reset it",
            highlight=False,
        )
    if not run.ok or sealing.unreadable:
        raise typer.Exit(1)


@app.command("sweep")
def sweep(
    apply: Annotated[
        bool, typer.Option("--apply", help="Delete what was found (default: only list it).")
    ] = False,
) -> None:
    """Find stored objects that no document refers to; with --apply, delete them.

    Such objects are left behind when a server is killed between storing an upload and
    committing its row; uploads cut off by a kill also leave encrypted parts in the staging
    area, which go too. Anything from the last hour is left alone (its upload may still be in
    flight). Each run is recorded in the audit log.
    """
    settings = get_settings()
    try:
        storage = get_storage(settings)
    except (RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    with cli_session() as session:
        try:
            run = sweep_orphans(session, storage, now=utcnow(), apply=apply, actor=actors.CLI)
        except StorageUnavailable as exc:
            raise fail(exc.message) from None
    for key in run.unreferenced:
        console.print(f"{'removed' if apply else 'unreferenced'} {key}", highlight=False)
    unfinished = len(run.unfinished_uploads)
    if apply:
        console.print(f"{run.removed} unreferenced object(s) removed", highlight=False)
        if unfinished:
            console.print(f"{unfinished} unfinished upload(s) removed from staging")
    else:
        console.print(
            f"{len(run.unreferenced)} unreferenced object(s); run with --apply to delete them",
            highlight=False,
        )
        if unfinished:
            console.print(f"{unfinished} unfinished upload(s) in staging; --apply removes them")
    for problem in run.problems:
        err_console.print(problem, highlight=False, soft_wrap=True)
    if run.problems:
        raise typer.Exit(1)


@app.command("verify")
def verify() -> None:
    """Read every stored document and check it against its SHA-256 (exits 1 on a failure).

    The worker runs the same check every night; with SQLite, schedule this command instead.
    """
    settings = get_settings()
    try:
        storage = get_storage(settings)
    except (RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    with cli_session() as session:
        try:
            failures = check_integrity(session, storage, actor=actors.CLI)
        except StorageUnavailable as exc:
            raise fail(exc.message) from None
    for failure in failures:
        err_console.print(
            f"document {failure.document_id} (vendor {failure.vendor_id}): {failure.problem}",
            highlight=False,
        )
    console.print(f"{len(failures)} integrity failure(s)", highlight=False)
    if failures:
        raise typer.Exit(1)
