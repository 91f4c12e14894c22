"""Recording, browsing, exporting and verifying audit events.

``record()`` appends inside the caller's transaction, so an event exists exactly when the change
it describes was committed. The table is append-only at the database too (triggers refuse
UPDATE and DELETE); the hash chain still detects changes made by someone who drops them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, text
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from app.audit.actions import AuditAction
from app.audit.domain.chain import GENESIS_HASH, ChainBreak, ChainLink, event_hash, verify_chain
from app.audit.models import AuditEvent
from app.core.db import utcnow
from app.core.pagination import Page, PageRequest

_PG_AUDIT_LOCK = 7_316_001  # advisory lock id that serialises appends on PostgreSQL
# The head this transaction appended last (sequence, hash). Nobody else can append until the
# transaction ends (SQLite: it holds the write lock; PostgreSQL: the advisory lock above), so the
# next event of the same transaction (the writes of one group commit) need not read it again.
_HEAD_KEY = "audit.appended_head"
# The fields an event's hash covers, in the order the chain has always hashed them.
_HASHED = ("sequence", "occurred_at", "actor", "action", "subject_type", "subject_id", "data")
# Built once: every portal save appends an event.
_TABLE = AuditEvent.__table__  # type: ignore[attr-defined]
_APPEND = insert(_TABLE)
_LOCK_APPENDS = text("SELECT pg_advisory_xact_lock(:k)")
# Only the head's two columns, as plain values: a whole row costs more.
_HEAD = sa_select(_TABLE.c.sequence, _TABLE.c.hash).order_by(_TABLE.c.sequence.desc()).limit(1)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    subject_type: str = ""
    subject_id: str = ""
    since: date | None = None
    until: date | None = None  # inclusive
    hidden_prefixes: tuple[str, ...] = ()  # actions this reader may not see


@dataclass(frozen=True)
class ChainHead:
    sequence: int
    hash: str


def _content(event: AuditEvent) -> dict[str, Any]:
    return _hashed_content(
        {name: getattr(event, name) for name in _HASHED}, event.occurred_at.isoformat()
    )


def _hashed_content(values: dict[str, Any], occurred_at: str) -> dict[str, Any]:
    """What an event's hash covers: its fields, the time as ISO text."""
    return {**values, "occurred_at": occurred_at}


def record(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    subject_type: str = "",
    subject_id: str | int = "",
    data: dict[str, Any] | None = None,
) -> ChainHead:
    """Append an event to the chain within the caller's transaction; return the new head.

    ``actor`` is ``user:<id>``, ``cli``, ``system`` or ``portal:<request id>``; ``action`` is a
    feature's StrEnum value (``"document.downloaded"``); ``data`` holds what changed, never
    secrets, document contents or free-text answers.
    """
    last_sequence, last_hash = _current_head(session)
    occurred_at = utcnow()
    values: dict[str, Any] = {
        "sequence": last_sequence + 1,
        "occurred_at": occurred_at,
        "actor": actor[:200],
        "action": str(action),
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "data": data or {},
    }
    new_hash = event_hash(last_hash, _hashed_content(values, occurred_at.isoformat()))
    # Callers rely on their pending rows being written by the time the event is (ids, and
    # the event exists exactly when they do); a clean session makes this a no-op.
    session.flush()
    # A plain INSERT, not the unit of work: events are never read back or changed in the
    # transaction that appends them, and this runs on every portal save.
    session.connection().execute(_APPEND, {**values, "prev_hash": last_hash, "hash": new_hash})
    session.info[_HEAD_KEY] = (values["sequence"], new_hash)
    return ChainHead(sequence=values["sequence"], hash=new_hash)


def _current_head(session: Session) -> tuple[int, str]:
    """Return the chain's head: read (under the append lock) once per transaction."""
    appended: tuple[int, str] | None = session.info.get(_HEAD_KEY)
    if appended is not None:
        return appended
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK_APPENDS, {"k": _PG_AUDIT_LOCK})
    head = connection.execute(_HEAD).first()
    return (head[0], head[1]) if head is not None else (0, GENESIS_HASH)


@sa_event.listens_for(OrmSession, "after_soft_rollback")
def _forget_head_on_rollback(session: OrmSession, _previous: SessionTransaction) -> None:
    # A rolled-back savepoint may have taken the appended event (and the lock) with it.
    session.info.pop(_HEAD_KEY, None)


@sa_event.listens_for(OrmSession, "after_transaction_end")
def _forget_head_after_transaction(session: OrmSession, transaction: SessionTransaction) -> None:
    # Once the transaction ends, other connections may append: the next one reads the head.
    if transaction.parent is None:
        session.info.pop(_HEAD_KEY, None)


def iter_events(session: Session, *, batch: int = 1000) -> Iterator[AuditEvent]:
    """Yield every event in sequence order, reading in batches."""
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
        yield from rows
        after = rows[-1].sequence


def verify(session: Session, *, expected_head: ChainHead | None = None) -> ChainBreak | None:
    """Walk the whole log and return the first break, or None when it is intact.

    ``expected_head`` is a (sequence, hash) pair kept off-site from an earlier export: the chain
    must still pass through it, which catches truncation and a wholesale recomputed chain.
    """
    links = (
        ChainLink(row.sequence, _content(row), row.prev_hash, row.hash)
        for row in iter_events(session)
    )
    broken = verify_chain(links)
    if broken is not None or expected_head is None:
        return broken
    anchor = session.exec(
        select(AuditEvent).where(AuditEvent.sequence == expected_head.sequence)
    ).first()
    if anchor is None:
        return ChainBreak(expected_head.sequence, "event is missing (log truncated)")
    if anchor.hash != expected_head.hash:
        return ChainBreak(expected_head.sequence, "hash differs from the kept head")
    return None


def head(session: Session) -> ChainHead | None:
    """Return the newest event's sequence and hash (keep it off-site)."""
    last = session.exec(
        select(AuditEvent).order_by(col(AuditEvent.sequence).desc()).limit(1)
    ).first()
    return ChainHead(last.sequence, last.hash) if last else None


def count_events(session: Session) -> int:
    """Return how many events the log holds."""
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


def event_as_dict(event: AuditEvent) -> dict[str, Any]:
    """Return the exported form of an event (what the hash covers, plus the hashes)."""
    content = _content(event)
    content["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat()
    return {**content, "prev_hash": event.prev_hash, "hash": event.hash}


def _conditions(filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        ~col(AuditEvent.action).startswith(prefix, autoescape=True)
        for prefix in filters.hidden_prefixes
    ]
    if filters.action:
        conditions.append(col(AuditEvent.action) == filters.action)
    if filters.actor:
        conditions.append(col(AuditEvent.actor) == filters.actor)
    if filters.subject_type:
        conditions.append(col(AuditEvent.subject_type) == filters.subject_type)
    if filters.subject_id:
        conditions.append(col(AuditEvent.subject_id) == filters.subject_id)
    if filters.since is not None:
        start = datetime.combine(filters.since, time.min, tzinfo=UTC)
        conditions.append(col(AuditEvent.occurred_at) >= start)
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=UTC)
        conditions.append(col(AuditEvent.occurred_at) < end)
    return conditions


def list_events(session: Session, *, filters: AuditFilter, page: PageRequest) -> Page[AuditEvent]:
    """Return one page of matching events, newest first."""
    conditions = _conditions(filters)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    rows = session.exec(
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.sequence).desc())
        .offset(page.offset)
        .limit(page.size)
    ).all()
    return Page(items=list(rows), total=total, request=page)


def list_actions(session: Session, *, hidden_prefixes: tuple[str, ...] = ()) -> list[str]:
    """Return every action name that occurs in the log (less hidden ones), for the filter menu."""
    query = select(AuditEvent.action).distinct().order_by(col(AuditEvent.action))
    return [a for a in session.exec(query).all() if not a.startswith(hidden_prefixes)]
