"""The background jobs: each runs an existing use case in its own transaction.

Every job is idempotent, so a retry or a duplicate changes nothing twice: a document is read
only while it is still pending, reminders and digests remember what they already sent, mail
is sent once per queued row, and rescoring stores a score only when it changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit import actors
from app.core.config import Settings
from app.core.db import get_engine, session_scope, utcnow
from app.evidence import intake
from app.jobs.queue import DELIVER_MAIL, READ_DOCUMENT, JobQueue, document_lock
from app.mail.models import OutgoingMail
from app.mail.service import MAX_ATTEMPTS, deliver_queued
from app.mail.transport import get_mailer
from app.remediation.service import reopen_lapsed_acceptances
from app.reports import service as reports_service
from app.reports.models import Document, ExtractionStatus
from app.reports.storage import DocumentIntegrityError, DocumentStorage
from app.reports.storage_backends import get_storage
from app.reports.upkeep import check_integrity
from app.requests.reminders import send_reminders
from app.reviews.digest import send_digest
from app.reviews.reassessments import send_due_reassessments
from app.scoring import service as scoring_service
from app.scoring.parallel import default_workers

logger = logging.getLogger(__name__)
JOB_POOL_SIZE = 8
# A document still pending this long after upload lost its job (or never got one).
STALE_PENDING = timedelta(minutes=2)


def _engine(settings: Settings) -> Engine:
    return get_engine(settings.database_url, pool_size=JOB_POOL_SIZE)


def read_uploaded_document(settings: Settings, document_id: int, *, today: date) -> str:
    """Read a pending document's facts, then use them like any new evidence."""
    with session_scope(_engine(settings)) as session:
        return read_pending_document(
            session, document_id, storage=get_storage(settings), today=today
        )


def read_pending_document(
    session: Session, document_id: int, *, storage: DocumentStorage, today: date
) -> str:
    """Read one pending document in the caller's transaction; say what happened."""
    document = session.get(Document, document_id)
    if document is None:
        return "gone"
    if document.extraction_status is not ExtractionStatus.pending:
        return "already read"
    try:
        reports_service.read_document(session, document=document, storage=storage)
    except (DocumentIntegrityError, FileNotFoundError) as exc:
        # A damaged or missing stored copy will not heal by retrying; say so on the document.
        document.extraction_status = ExtractionStatus.failed
        document.extraction_error = (
            "The stored file is missing; upload the document again."
            if isinstance(exc, FileNotFoundError)
            else "The stored file failed its integrity check."
        )
        session.add(document)
        logger.error("document %s: %s", document_id, exc)
        return "failed"
    intake.document_read(session, document, today=today)
    return "read"


def check_storage_integrity(settings: Settings) -> int:
    """Check every stored document against its SHA-256; failures are audited and logged."""
    with session_scope(_engine(settings)) as session:
        failures = check_integrity(session, get_storage(settings), actor=actors.WORKER)
    return len(failures)


def deliver_mail(settings: Settings) -> int:
    """Send the queued mail; failures stay queued and the sweeper tries again."""
    with session_scope(_engine(settings)) as session:
        return deliver_queued(session, get_mailer(settings))


def send_daily_reminders(settings: Settings, *, today: date) -> int:
    """Queue today's reminders and notices, then send them."""
    with session_scope(_engine(settings)) as session:
        run = send_reminders(session, today=today, settings=settings)
    deliver_mail(settings)
    return run.due_reminders + run.currency_notices


def send_reassessments(settings: Settings, *, today: date) -> int:
    """Send the tier's questionnaires to vendors whose review date has come, then the mail."""
    with session_scope(_engine(settings)) as session:
        run = send_due_reassessments(session, today=today, settings=settings, actor=actors.WORKER)
    deliver_mail(settings)
    return run.requests


def reopen_accepted_risks(settings: Settings, *, today: date) -> int:
    """Reopen the remediation items whose risk acceptance ends on or before today."""
    with session_scope(_engine(settings)) as session:
        return reopen_lapsed_acceptances(session, today=today, actor=actors.WORKER)


def send_weekly_digest(settings: Settings, *, today: date) -> int:
    """Queue this week's digest for risk officers who have not had it, then send it."""
    with session_scope(_engine(settings)) as session:
        run = send_digest(session, today=today, settings=settings)
    deliver_mail(settings)
    return run.sent


def recompute_scores(settings: Settings, *, today: date) -> int:
    """Rescore every vendor as of today (recency decays daily)."""
    with session_scope(_engine(settings)) as session:
        return scoring_service.recompute_all(session, as_of=today, workers=default_workers())


@dataclass(frozen=True)
class SweepResult:
    documents_requeued: int
    mail_waiting: int


def sweep(settings: Settings, queue: JobQueue) -> SweepResult:
    """Re-queue work left behind: documents still pending, mail still unsent."""
    cutoff = utcnow() - STALE_PENDING
    with session_scope(_engine(settings)) as session:
        stale = session.exec(
            select(Document.id).where(
                Document.extraction_status == ExtractionStatus.pending,
                col(Document.content_type) == "application/pdf",
                col(Document.uploaded_at) < cutoff,
            )
        ).all()
        waiting = session.exec(
            select(func.count())
            .select_from(OutgoingMail)
            .where(col(OutgoingMail.sent_at).is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        ).one()
        requeued = 0
        for document_id in stale:
            if document_id is None:
                continue
            requeued += queue.defer_in(
                session,
                READ_DOCUMENT,
                lock=document_lock(document_id),
                queueing_lock=f"sweep-read:{document_id}",
                document_id=document_id,
            )
        if waiting:
            queue.defer_in(session, DELIVER_MAIL, queueing_lock=DELIVER_MAIL)
    return SweepResult(requeued, int(waiting))
