"""Opening confidential reports: who may, the restricted-use acknowledgement, integrity checks
and an audit event for every view and download."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.models import Role, User
from app.core.config import Settings
from app.core.errors import NotFound, PermissionDenied
from app.core.rows import id_of
from app.reports.errors import ReportReadError
from app.reports.models import Document
from app.reports.sandbox import read_pdf_text_sandboxed
from app.reports.storage import DocumentStorage
from app.reviews.models import ReportAcknowledgement

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenedDocument:
    document: Document
    content: bytes | None
    is_intact: bool


@dataclass(frozen=True)
class EvidencePage:
    document: Document
    page: int
    page_count: int
    text: str | None
    problem: str | None = None


def viewer_roles(settings: Settings) -> frozenset[Role]:
    """Return the roles allowed to open reports; unknown names are ignored."""
    names = {name.strip().lower() for name in settings.report_viewer_roles.split(",")}
    return frozenset(role for role in Role if role.value in names)


def check_viewer(user: User, settings: Settings) -> None:
    """Refuse users whose role may not open confidential reports (DILIGENCE_REPORT_VIEWER_ROLES)."""
    if user.role not in viewer_roles(settings):
        raise PermissionDenied("Your role may not open confidential reports.")


def has_acknowledged(session: Session, user_id: int) -> bool:
    """Tell whether the user already accepted the restricted-use terms."""
    found = session.exec(
        select(ReportAcknowledgement.id).where(ReportAcknowledgement.user_id == user_id)
    ).first()
    return found is not None


def acknowledge(session: Session, *, user: User) -> None:
    """Record that the user accepted the restricted-use terms (once; repeats change nothing)."""
    assert user.id is not None
    if has_acknowledged(session, user.id):
        return
    try:
        with session.begin_nested():
            session.add(ReportAcknowledgement(user_id=user.id))
            session.flush()
    except IntegrityError:  # a second tab acknowledged at the same moment
        return
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.document_restricted_use_acknowledged,
        subject_type="user",
        subject_id=user.id,
    )


def get_document(session: Session, document_id: int) -> Document:
    """Return a document or answer 404."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("There is no such document.")
    return document


def _read_verified(
    session: Session, document: Document, storage: DocumentStorage, user: User
) -> bytes | None:
    if document.is_quarantined:
        raise PermissionDenied(
            "The malware scanner quarantined this file; it cannot be opened or downloaded."
        )
    try:
        content = storage.read(document.storage_key, sha256=document.sha256)
    except (OSError, ValueError):
        content = b""
    actual = hashlib.sha256(content).hexdigest()
    if actual == document.sha256:
        return content
    # Stored bytes that no longer match what was uploaded: never serve them; raise the alarm.
    logger.error("document %s failed its integrity check (stored hash differs)", document.id)
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.document_integrity_failed,
        subject_type="document",
        subject_id=id_of(document),
        data={"expected_sha256": document.sha256, "actual_sha256": actual},
    )
    return None


def open_for_download(
    session: Session, *, document: Document, storage: DocumentStorage, user: User
) -> OpenedDocument:
    """Read a document for download after checking its hash; the download is audit-logged."""
    content = _read_verified(session, document, storage, user)
    if content is None:
        return OpenedDocument(document, None, is_intact=False)
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.document_downloaded,
        subject_type="document",
        subject_id=id_of(document),
        data={"sha256": document.sha256, "vendor_id": document.vendor_id},
    )
    return OpenedDocument(document, content, is_intact=True)


def evidence_page(
    session: Session, *, document: Document, page: int, storage: DocumentStorage, user: User
) -> EvidencePage:
    """Return one page's text of a stored PDF (read in the sandbox); the view is audit-logged."""
    content = _read_verified(session, document, storage, user)
    if content is None:
        return EvidencePage(document, page, 0, None, "The stored file failed its integrity check.")
    if document.content_type != "application/pdf":
        return EvidencePage(document, page, 0, None, "This document is an image; download it.")
    try:
        text = read_pdf_text_sandboxed(content)
    except ReportReadError as exc:
        return EvidencePage(document, page, 0, None, f"The text could not be read: {exc}")
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.document_viewed,
        subject_type="document",
        subject_id=id_of(document),
        data={"sha256": document.sha256, "page": page, "vendor_id": document.vendor_id},
    )
    if not 1 <= page <= len(text.pages):
        return EvidencePage(document, page, len(text.pages), None, "There is no such page.")
    return EvidencePage(document, page, len(text.pages), text.pages[page - 1])
