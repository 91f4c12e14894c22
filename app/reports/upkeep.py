"""Keeping document storage and the database in step: orphaned objects and integrity checks.

An object is written only after its row is inserted and is removed again when the transaction
rolls back, but a process killed in between leaves an object no row refers to. The sweep finds
those; the integrity check reads every document's object and compares it with its recorded
SHA-256. Objects younger than a grace period are left alone: their upload may still be in
flight (its row is not committed yet). The sweep also removes what a killed process left in
the staging area (encrypted parts of uploads that never finished), after the same grace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.errors import ServiceUnavailable
from app.organisation.models import OrganisationSettings
from app.reports.models import Document
from app.reports.storage import DocumentIntegrityError, DocumentStorage

logger = logging.getLogger(__name__)
IN_FLIGHT_GRACE = timedelta(hours=1)


@dataclass
class SweepRun:
    """What a sweep found and, with ``applied``, removed."""

    unreferenced: list[str] = field(default_factory=list)
    removed: int = 0
    unfinished_uploads: list[str] = field(default_factory=list)  # left in staging
    applied: bool = False
    problems: list[str] = field(default_factory=list)


def sweep_orphans(
    session: Session, storage: DocumentStorage, *, now: datetime, apply: bool, actor: str
) -> SweepRun:
    """Find stored objects no document (nor the logo) refers to; remove them when ``apply``."""
    referenced = set(session.exec(select(Document.storage_key)).all())
    # The organisation's logo is kept in the same storage.
    referenced |= {key for key in session.exec(select(OrganisationSettings.logo_key)) if key}
    cutoff = now - IN_FLIGHT_GRACE
    run = SweepRun(applied=apply)
    for key, modified in storage.stored_objects():
        if key not in referenced and modified < cutoff:
            run.unreferenced.append(key)
    for name, modified in storage.staged_files():
        if modified < cutoff:
            run.unfinished_uploads.append(name)
    if apply:
        for key in run.unreferenced:
            try:
                storage.delete(key)
                run.removed += 1
            except (OSError, ServiceUnavailable) as exc:
                run.problems.append(f"{key[:12]}: {exc}")
        for name in run.unfinished_uploads:
            try:
                storage.discard_staged(name)
            except OSError as exc:
                run.problems.append(f"staging {name[:12]}: {exc}")
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.storage_swept,
        subject_type="storage",
        data={
            "applied": apply,
            "unreferenced": len(run.unreferenced),
            "removed": run.removed,
            "unfinished_uploads": len(run.unfinished_uploads),
            "keys": [key[:12] for key in run.unreferenced[:100]],
        },
    )
    return run


@dataclass(frozen=True)
class IntegrityFailure:
    document_id: int
    vendor_id: int
    problem: str


def check_integrity(
    session: Session, storage: DocumentStorage, *, actor: str
) -> list[IntegrityFailure]:
    """Read every stored document and check it against its SHA-256; record each failure."""
    failures: list[IntegrityFailure] = []
    rows = session.exec(select(Document).order_by(col(Document.id))).all()
    for document in rows:
        assert document.id is not None
        try:
            storage.read(document.storage_key, sha256=document.sha256)
        except FileNotFoundError:
            failures.append(IntegrityFailure(document.id, document.vendor_id, "object missing"))
        except DocumentIntegrityError:
            failures.append(
                IntegrityFailure(document.id, document.vendor_id, "does not match its SHA-256")
            )
    for failure in failures:
        logger.error(
            "document %s failed its integrity check: %s", failure.document_id, failure.problem
        )
        audit_service.record(
            session,
            actor=actor,
            action=AuditAction.document_integrity_failed,
            subject_type="document",
            subject_id=failure.document_id,
            data={"problem": failure.problem, "vendor_id": failure.vendor_id, "check": "periodic"},
        )
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.storage_checked,
        subject_type="storage",
        data={"documents": len(rows), "failures": len(failures)},
    )
    return failures
