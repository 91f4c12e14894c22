"""Putting jobs on the PostgreSQL queue (procrastinate) through the application's connections.

A job deferred with a session is inserted in that session's transaction, so it exists exactly
when the change that caused it was committed (no job for a rolled-back upload, no upload
without its job). A failure to queue never fails the request: the sweeper job re-queues work
that was left behind (documents still pending, mail still unsent).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, ProcrastinateException
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import get_engine

logger = logging.getLogger(__name__)

READ_DOCUMENT = "diligence.read_document"
DELIVER_MAIL = "diligence.deliver_mail"
SEND_REMINDERS = "diligence.send_reminders"
SEND_DIGEST = "diligence.send_digest"
SEND_REASSESSMENTS = "diligence.send_reassessments"
REOPEN_ACCEPTED_RISKS = "diligence.reopen_accepted_risks"
RECOMPUTE_SCORES = "diligence.recompute_scores"
SWEEP = "diligence.sweep"
CHECK_STORAGE = "diligence.check_storage"


def document_lock(document_id: int) -> str:
    """Return the lock that keeps two workers from reading the same document at once."""
    return f"document:{document_id}"


class JobQueue:
    """Defers jobs by name; the worker (``diligence worker``) runs them."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        # Never opened: every insert goes through a connection of the application's engine.
        self._app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())

    def defer_in(
        self,
        session: Session,
        task: str,
        *,
        lock: str | None = None,
        queueing_lock: str | None = None,
        **arguments: Any,
    ) -> bool:
        """Queue a job inside the session's transaction; return False if it was not queued."""
        try:
            with session.begin_nested():
                connection = session.connection().connection.driver_connection
                deferrer = self._app.configure_task(
                    task, lock=lock, queueing_lock=queueing_lock, connection=connection
                )
                deferrer.defer(**arguments)
        except AlreadyEnqueued:
            return False
        except (ProcrastinateException, SQLAlchemyError) as exc:
            # procrastinate's own message is a bare "Database error": the cause says which.
            reason = exc.__cause__ or exc
            said = " ".join(str(reason).split()) or type(reason).__name__
            logger.warning("job %s was not queued (the sweeper retries): %s", task, said)
            return False
        return True

    def defer(
        self,
        task: str,
        *,
        lock: str | None = None,
        queueing_lock: str | None = None,
        **arguments: Any,
    ) -> bool:
        """Queue a job in a transaction of its own."""
        with Session(get_engine(self.database_url)) as session:
            queued = self.defer_in(
                session, task, lock=lock, queueing_lock=queueing_lock, **arguments
            )
            session.commit()
        return queued

    def defer_reading(self, session: Session, document_id: int) -> None:
        """Queue the reading of a just-uploaded document, committed with the upload."""
        self.defer_in(
            session, READ_DOCUMENT, lock=document_lock(document_id), document_id=document_id
        )


_queues: dict[str, JobQueue] = {}
_queues_lock = threading.Lock()


def get_job_queue(settings: Settings) -> JobQueue | None:
    """Return the job queue when background work goes to PostgreSQL; None means in-process."""
    if not settings.uses_job_queue:
        return None
    with _queues_lock:
        queue = _queues.get(settings.database_url)
        if queue is None:
            queue = _queues[settings.database_url] = JobQueue(settings.database_url)
        return queue
