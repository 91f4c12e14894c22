"""Queue mail with the database change that causes it; deliver it after the commit."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.core.db import get_engine, session_scope, utcnow
from app.mail.models import OutgoingMail
from app.mail.transport import Mail, Mailer, get_mailer, render_mail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def queue_mail(
    session: Session,
    template: str,
    *,
    to: str,
    subject: str,
    context: dict[str, Any],
    purpose: str = "",
    sender: str | None = None,
    reply_to: str | None = None,
) -> OutgoingMail:
    """Render a message and queue it; nothing is sent unless the transaction commits.

    ``sender`` and ``reply_to`` come from the organisation's settings; None keeps the server's.
    """
    mail = render_mail(template, to=to, subject=subject, context=context)
    row = OutgoingMail(
        to=mail.to,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        purpose=purpose,
        sender=sender or "",
        reply_to=reply_to or "",
    )
    session.add(row)
    session.flush()
    return row


def deliver_queued(session: Session, mailer: Mailer, *, limit: int = 100) -> int:
    """Send queued messages; return how many went out. Failures stay queued for a retry."""
    rows = session.exec(
        select(OutgoingMail)
        .where(col(OutgoingMail.sent_at).is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(col(OutgoingMail.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for row in rows:
        row.attempts += 1
        error = _send(mailer, row)
        _record_outcome(row, error)
        sent += error is None
        session.add(row)
        session.flush()
    return sent


def _send(mailer: Mailer, row: OutgoingMail) -> str | None:
    """Send one message; return why it failed, or None."""
    try:
        mail = Mail(row.to, row.subject, row.text_body, row.html_body, row.sender, row.reply_to)
        mailer.send(mail)
    except OSError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        logger.warning("mail %s to %s failed: %s", row.id, row.to, error)
        return error
    return None


def _record_outcome(row: OutgoingMail, error: str | None) -> None:
    if error is not None:
        row.last_error = error
        return
    # The body may hold a portal link; once delivered it is not kept.
    row.sent_at = utcnow()
    row.text_body = row.html_body = ""
    row.last_error = None


def deliver_without_holding_the_lock(engine: Engine, mailer: Mailer, *, limit: int = 100) -> int:
    """Send queued messages on SQLite, where a write transaction locks the whole database.

    Each message is claimed in a short write (its attempt count moves on only if no other
    sender moved it first), sent outside any transaction, and its outcome recorded in
    another short write: a slow mail server never holds up the application's writes.
    """
    with Session(engine) as reading:
        pending = reading.exec(
            select(OutgoingMail.id, OutgoingMail.attempts)
            .where(col(OutgoingMail.sent_at).is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
            .order_by(col(OutgoingMail.id))
            .limit(limit)
        ).all()
    sent = 0
    for mail_id, attempts in pending:
        claimed = _claim(engine, mail_id, attempts)
        if claimed is None:
            continue
        error = _send(mailer, claimed)
        with session_scope(engine) as session:
            row = session.get(OutgoingMail, mail_id)
            if row is not None:
                _record_outcome(row, error)
                session.add(row)
        sent += error is None
    return sent


def _claim(engine: Engine, mail_id: int | None, attempts: int) -> OutgoingMail | None:
    with session_scope(engine) as session:
        row = session.get(OutgoingMail, mail_id)
        if row is None or row.sent_at is not None or row.attempts != attempts:
            return None  # another sender has it
        row.attempts += 1
        session.add(row)
        session.flush()
        session.expunge(row)
        return row


class MailDispatcher:
    """Delivers the queue in its own transaction, after the request's commit."""

    def __init__(self, engine: Engine, mailer: Mailer) -> None:
        self.engine = engine
        self.mailer = mailer

    def deliver(self) -> int:
        """Send what is queued; errors are logged, never raised into the request."""
        try:
            if self.engine.dialect.name == "sqlite":
                return deliver_without_holding_the_lock(self.engine, self.mailer)
            # PostgreSQL locks only the rows being sent (SKIP LOCKED keeps senders apart).
            with session_scope(self.engine) as session:
                return deliver_queued(session, self.mailer)
        except Exception:
            logger.exception("delivering queued mail failed; it stays queued")
            return 0


def deliver_now(settings: Settings) -> int:
    """Deliver what a command has just queued, over a small pool of its own; return the count."""
    engine = get_engine(settings.database_url, pool_size=2)
    return MailDispatcher(engine, get_mailer(settings)).deliver()
