"""The documents that belong to a questionnaire request, and those its answers may be read from."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.reports.models import Document, ReportFacts
from app.requests.models import QuestionnaireRequest

DocumentsByReference = dict[str, tuple[Document, ReportFacts | None]]


def _with_facts(session: Session, *conditions: object) -> DocumentsByReference:
    rows = session.exec(
        select(Document, ReportFacts)
        .outerjoin(ReportFacts, col(ReportFacts.document_id) == Document.id)
        .where(*conditions)  # type: ignore[arg-type]
    ).all()
    return {str(document.id): (document, facts) for document, facts in rows}


def documents_of(session: Session, request_id: int) -> DocumentsByReference:
    """Return the documents uploaded through a request, keyed by the reference answers use."""
    return _with_facts(session, Document.request_id == request_id)


def prefill_sources(session: Session, request: QuestionnaireRequest) -> DocumentsByReference:
    """Return the documents that may pre-answer a request: every document of its vendor, from
    this request, another one or the staff pages, so a vendor is never asked twice."""
    return _with_facts(session, col(Document.vendor_id) == request.vendor_id)
