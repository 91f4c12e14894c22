"""The worker: a procrastinate app with Diligence's jobs, their retries and their schedules.

Periodic jobs are scheduled by the queue itself: every running worker offers each tick, and
procrastinate records one defer per tick, so several workers never send a digest twice.
Schedules are in UTC.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import procrastinate
from procrastinate.schema import SchemaManager
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.core.db import get_engine
from app.jobs import tasks
from app.jobs.queue import (
    CHECK_STORAGE,
    DELIVER_MAIL,
    READ_DOCUMENT,
    RECOMPUTE_SCORES,
    REOPEN_ACCEPTED_RISKS,
    SEND_DIGEST,
    SEND_REASSESSMENTS,
    SEND_REMINDERS,
    SWEEP,
    JobQueue,
)
from app.wiring import install_session_hooks

logger = logging.getLogger(__name__)

REMINDERS_CRON = "0 6 * * *"
REASSESSMENTS_CRON = "15 6 * * *"
# Before the reminders and the digest, so that a reopened item counts as open in them.
REOPEN_RISKS_CRON = "45 5 * * *"
RECOMPUTE_CRON = "30 2 * * *"
DIGEST_CRON = "0 7 * * 1"
SWEEP_CRON = "* * * * *"
CHECK_STORAGE_CRON = "0 3 * * *"
# Transient failures (storage or SMTP down, a lost connection) are retried with growing waits:
# 2, 4, 8, 16 s … for up to 8 attempts.
RETRY = procrastinate.RetryStrategy(max_attempts=8, exponential_wait=2)
_SCHEMA_LOCK = 0x646C6771  # an arbitrary, stable advisory-lock number for schema setup


def libpq_url(database_url: str) -> str:
    """Return the database URL without SQLAlchemy's driver suffix, as libpq expects it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def day_of(timestamp: int) -> date:
    """Return the UTC date of a periodic job's scheduled time."""
    return datetime.fromtimestamp(timestamp, tz=UTC).date()


def ensure_schema(settings: Settings) -> bool:
    """Create the job queue's tables if they are missing; return True when it created them."""
    engine = get_engine(settings.database_url, pool_size=2)
    with engine.begin() as connection:
        # Several workers may start together: one creates the schema, the others wait.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        found = connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if found is not None:
            return False
        driver: Any = connection.connection.driver_connection
        driver.execute(SchemaManager.get_schema())
    return True


def build_worker_app(settings: Settings, *, pool_size: int = 4) -> procrastinate.App:
    """Return a procrastinate app that runs Diligence's jobs on the configured database."""
    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_url(settings.database_url), min_size=1, max_size=pool_size
    )
    app = procrastinate.App(connector=connector)
    queue = JobQueue(settings.database_url)

    @app.task(name=READ_DOCUMENT, retry=RETRY)
    def read_document(document_id: int) -> str:
        return tasks.read_uploaded_document(settings, document_id, today=datetime.now(UTC).date())

    @app.task(name=DELIVER_MAIL, retry=RETRY, queueing_lock=DELIVER_MAIL)
    def deliver_mail() -> int:
        return tasks.deliver_mail(settings)

    @app.periodic(cron=REMINDERS_CRON)
    @app.task(name=SEND_REMINDERS, retry=RETRY, queueing_lock=SEND_REMINDERS)
    def send_reminders(timestamp: int) -> int:
        return tasks.send_daily_reminders(settings, today=day_of(timestamp))

    @app.periodic(cron=REASSESSMENTS_CRON)
    @app.task(name=SEND_REASSESSMENTS, retry=RETRY, queueing_lock=SEND_REASSESSMENTS)
    def send_reassessments(timestamp: int) -> int:
        return tasks.send_reassessments(settings, today=day_of(timestamp))

    @app.periodic(cron=REOPEN_RISKS_CRON)
    @app.task(name=REOPEN_ACCEPTED_RISKS, retry=RETRY, queueing_lock=REOPEN_ACCEPTED_RISKS)
    def reopen_accepted_risks(timestamp: int) -> int:
        return tasks.reopen_accepted_risks(settings, today=day_of(timestamp))

    @app.periodic(cron=DIGEST_CRON)
    @app.task(name=SEND_DIGEST, retry=RETRY, queueing_lock=SEND_DIGEST)
    def send_digest(timestamp: int) -> int:
        return tasks.send_weekly_digest(settings, today=day_of(timestamp))

    @app.periodic(cron=RECOMPUTE_CRON)
    @app.task(name=RECOMPUTE_SCORES, retry=RETRY, queueing_lock=RECOMPUTE_SCORES)
    def recompute_scores(timestamp: int) -> int:
        return tasks.recompute_scores(settings, today=day_of(timestamp))

    @app.periodic(cron=CHECK_STORAGE_CRON)
    @app.task(name=CHECK_STORAGE, retry=RETRY, queueing_lock=CHECK_STORAGE)
    def check_storage(timestamp: int) -> int:  # noqa: ARG001 - the scheduler passes its tick
        return tasks.check_storage_integrity(settings)

    @app.periodic(cron=SWEEP_CRON)
    @app.task(name=SWEEP, queueing_lock=SWEEP)
    def sweep(timestamp: int) -> None:  # noqa: ARG001 - the scheduler always passes its tick
        tasks.sweep(settings, queue)

    return app


def run_worker(
    settings: Settings, *, concurrency: int, wait: bool = True, install_signal_handlers: bool = True
) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM finish the running jobs first), or until the
    queue is empty when ``wait`` is False."""
    install_session_hooks()  # the dashboard rows follow what the jobs change
    app = build_worker_app(settings, pool_size=concurrency + 2)
    app.run_worker(
        concurrency=concurrency,
        wait=wait,
        install_signal_handlers=install_signal_handlers,
        delete_jobs="successful",
        name="diligence-worker",
        fetch_job_polling_interval=2.0,
    )
