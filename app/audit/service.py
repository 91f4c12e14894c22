"""Recording and verifying audit events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.audit.chain import GENESIS_HASH, ChainBreak, ChainLink, event_hash, verify_chain
from app.audit.models import AuditEvent
from app.core.db import utcnow

_PG_AUDIT_LOCK = 7_316_001  # advisory lock id that serialises appends on PostgreSQL


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
    }


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str = "",
    subject_id: str | int = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain within the caller's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    last = session.exec(
        select(AuditEvent).order_by(col(AuditEvent.sequence).desc()).limit(1)
    ).first()
    event = AuditEvent(
        sequence=(last.sequence + 1) if last else 1,
        occurred_at=utcnow(),
        actor=actor,
        action=str(action),
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=data or {},
        prev_hash=last.hash if last else GENESIS_HASH,
        hash="",
    )
    event.hash = event_hash(event.prev_hash, _content(event))
    session.add(event)
    session.flush()
    return event


def _links(session: Session, batch: int = 1000) -> Iterator[ChainLink]:
    after = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.sequence > after)
            .order_by(col(AuditEvent.sequence))
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield ChainLink(row.sequence, _content(row), row.prev_hash, row.hash)
        after = rows[-1].sequence


def verify(session: Session) -> ChainBreak | None:
    """Walk the whole log and return the first break, or None when it is intact."""
    return verify_chain(_links(session))
