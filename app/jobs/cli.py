"""``diligence worker``: run background jobs from the PostgreSQL job queue."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from app.core.cli import console, fail
from app.core.config import get_settings


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs run at the same time (threads).")
    ] = 4,
    schema_only: Annotated[
        bool, typer.Option("--schema-only", help="Create the queue's tables, then exit.")
    ] = False,
) -> None:
    """Run queued jobs (report reading, mail, reminders, digests, rescoring) until stopped."""
    from app.jobs.worker import ensure_schema, run_worker  # procrastinate loads only here

    settings = get_settings()
    if not settings.uses_postgres:
        raise fail("the job queue needs PostgreSQL; with SQLite, background work runs in-process")
    try:
        created = ensure_schema(settings)
    except OperationalError as exc:
        raise fail(f"cannot use the database: {exc.orig}") from None
    console.print("job queue tables created" if created else "job queue tables present")
    if schema_only:
        return
    if not settings.uses_job_queue:
        console.print(
            "[yellow]note:[/] DILIGENCE_JOB_QUEUE does not send work here; "
            "only the periodic jobs will run"
        )
    console.print(f"worker running with {concurrency} slot(s); stop with Ctrl+C")
    run_worker(settings, concurrency=concurrency)
