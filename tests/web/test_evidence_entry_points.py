"""One PDF through every entry point of "evidence changed" ends the same way.

Portal upload, the staff page, the API, the background reader and the demo loader all hand a
document to `app.evidence.intake`; whichever it came through, the vendor ends with the same
document, facts, pre-filled answers, score and dashboard row, and a second copy of the file
changes none of them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from app.auth.models import Role
from app.core.config import Settings
from app.core.rows import id_of
from app.demo import service as demo_service
from app.evidence.intake import EvidenceStore, Upload, receive_document
from app.jobs import tasks
from app.questionnaires.domain.vocabulary import QuestionType
from app.reports.models import Document, ExtractionStatus, ReportFacts, UploadChannel
from app.reports.storage_backends import get_storage
from app.requests import answer_store
from app.requests.models import QuestionnaireRequest
from app.reviews.models import VendorReview
from app.scoring.models import Score
from app.vendors.models import Vendor
from tests.api.helpers import bearer, token_for
from tests.factories import make_user, post_form, sign_in
from tests.portal_helpers import open_portal, portal_token, send_request

PDF = Path(__file__).parents[1] / "fixtures" / "corpus" / "a01.pdf"
ENTRY_POINTS = ("portal", "staff page", "api", "worker", "demo")
_FACT_FIELDS = (
    "doc_kind",
    "framework",
    "report_type",
    "service_organization",
    "service_auditor",
    "period_start",
    "period_end",
    "report_date",
    "opinion",
    "exceptions_count",
    "subservice_method",
)
_DASHBOARD_FIELDS = (
    "score_value",
    "computed_value",
    "band",
    "residual_risk",
    "provisional",
    "best_report",
    "period_end",
    "current_until",
    "exceptions_count",
    "open_findings",
    "has_contradictions",
)


class _LaterQueue:
    """A job queue that only notes the reading it was asked for (the worker runs it below)."""

    def __init__(self) -> None:
        self.deferred: list[int] = []

    def defer_reading(self, session: Session, document_id: int) -> None:
        self.deferred.append(document_id)


def _store(settings: Settings, queue: _LaterQueue | None = None) -> EvidenceStore:
    return EvidenceStore(get_storage(settings), queue, settings.max_upload_bytes)


def _through_portal(client, session, settings, request: QuestionnaireRequest, token: str) -> None:
    open_portal(client, token)
    response = client.post(
        "/portal/uploads/soc2_report_file",
        data={"csrf_token": portal_token(client)},
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert response.status_code == 200, response.text


def _through_staff_page(client, session, settings, request: QuestionnaireRequest, token: str):
    sign_in(client, make_user(session, role=Role.risk_officer))
    response = post_form(
        client,
        f"/vendors/{request.vendor_id}/documents",
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert response.status_code == 303, response.text


def _through_api(client, session, settings, request: QuestionnaireRequest, token: str) -> None:
    user = make_user(session, role=Role.risk_officer)
    response = client.post(
        f"/api/v1/vendors/{request.vendor_id}/documents",
        headers=bearer(token_for(session, user)),
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    assert response.status_code in (200, 201), response.text


def _through_worker(client, session, settings, request: QuestionnaireRequest, token: str) -> None:
    queue = _LaterQueue()
    vendor = request.vendor_id
    with PDF.open("rb") as source:
        upload = Upload(source, PDF.name, UploadChannel.staff, actor="system:test")
        outcome = receive_document(
            session,
            _store(settings, queue),
            upload,
            vendor=_vendor(session, vendor),
            today=_today(),
        )
    if outcome.is_duplicate:
        return
    assert outcome.document.extraction_status is ExtractionStatus.pending
    assert queue.deferred == [id_of(outcome.document)]
    storage = get_storage(settings)
    for document_id in queue.deferred:
        assert tasks.read_pending_document(session, document_id, storage=storage, today=_today())


def _through_demo(client, session, settings, request: QuestionnaireRequest, token: str) -> None:
    name = _vendor(session, request.vendor_id).name
    demo_service.load_sample_documents(session, settings=settings, samples={name: [PDF]})


_DRIVERS = {
    "portal": _through_portal,
    "staff page": _through_staff_page,
    "api": _through_api,
    "worker": _through_worker,
    "demo": _through_demo,
}


def _today() -> date:
    return date.today()


def _vendor(session: Session, vendor_id: int) -> Vendor:
    vendor = session.get(Vendor, vendor_id)
    assert vendor is not None
    return vendor


def _outcome(session: Session, request: QuestionnaireRequest) -> dict[str, Any]:
    session.expire_all()
    documents = session.exec(select(Document).where(Document.vendor_id == request.vendor_id)).all()
    facts = [session.get(ReportFacts, id_of(d)) for d in documents]
    definition = answer_store.frozen_definition(request).definition
    file_questions = {q.id for q in definition.questions() if q.type is QuestionType.FILE_UPLOAD}
    answers = answer_store.load_answers(session, id_of(request))
    scores = session.exec(select(Score).where(Score.vendor_id == request.vendor_id)).all()
    review = session.get(VendorReview, request.vendor_id)
    return {
        "documents": [(d.kind, d.sha256, d.extraction_status, d.filename) for d in documents],
        "facts": [{f: getattr(row, f) for f in _FACT_FIELDS} if row else None for row in facts],
        "prefilled": {q: a.value for q, a in answers.items() if q not in file_questions},
        "scores": len(scores),
        "score": (scores[-1].value, scores[-1].band) if scores else None,
        "dashboard": {f: getattr(review, f) for f in _DASHBOARD_FIELDS},
    }


@pytest.fixture
def outcomes(client, session: Session, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Drive the PDF twice through each entry point, each for its own vendor and request."""
    seen: dict[str, list[dict[str, Any]]] = {}
    for entry in ENTRY_POINTS:
        client.cookies.clear()
        request, token = send_request(
            session, settings, name=f"Vendor via {entry}", aliases=["Lumenary Cloud"]
        )
        runs = []
        for _copy in range(2):
            _DRIVERS[entry](client, session, settings, request, token)
            runs.append(_outcome(session, request))
        seen[entry] = runs
    return seen


@pytest.mark.db
def test_every_entry_point_stores_reads_prefills_and_scores_the_same_way(outcomes) -> None:
    first = {entry: runs[0] for entry, runs in outcomes.items()}
    portal = first["portal"]
    assert portal["documents"][0][0].value == "soc2_report"
    assert portal["prefilled"], "the report pre-answers the questions mapped to its facts"
    assert portal["score"] is not None
    assert portal["dashboard"]["score_value"] is not None
    for entry, outcome in first.items():
        assert outcome == portal, entry


@pytest.mark.db
def test_a_second_copy_changes_nothing_from_any_entry_point(outcomes) -> None:
    for entry, (first, second) in outcomes.items():
        assert second == first, entry
