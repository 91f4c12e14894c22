"""``diligence scores recompute``: rescore every vendor, e.g. daily from cron."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from app.core.cli import cli_session, console
from app.core.db import utcnow
from app.scoring import service as scoring_service
from app.scoring.parallel import default_workers


def recompute(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD (default today).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Scoring processes (default: one per core, max 8)."),
    ] = None,
) -> None:
    """Recompute every vendor's score; recency decays, so run it daily."""
    try:
        evaluation_date = date.fromisoformat(as_of) if as_of else utcnow().date()
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from None
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # Redrawn on each group rather than by rich's refresh thread: with no other thread
    # running, the scoring workers can be forked instead of spawned (a second faster).
    progress = Progress(*columns, console=console, transient=True, auto_refresh=False)
    with cli_session() as session, progress as bar:
        task = bar.add_task("Rescoring vendors", total=None)
        bar.refresh()

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, refresh=True)

        changed = scoring_service.recompute_all(
            session,
            as_of=evaluation_date,
            on_progress=advance,
            workers=workers or default_workers(),
        )
    console.print(f"scores recomputed as of {evaluation_date}: {changed} changed")
