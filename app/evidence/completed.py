"""A vendor's completed standard questionnaire (CAIQ, HECVAT...) as evidence and as answers.

The file is checked first (it must be a questionnaire with answers), stored like any other
document, its answers kept with their sheet and row so that risk officers can read and search
them, and our questions that the crosswalk maps are pre-answered, never over the vendor's
own answer; the portal then shows "From your CAIQ, IAM-14.1" for the vendor to confirm.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.errors import InvalidInput
from app.core.rows import id_of
from app.evidence.intake import EvidenceStore, Upload
from app.evidence.models import CompletedQuestionnaire
from app.evidence.prefill import fill_open_questions
from app.questionnaires.crosswalks import find_crosswalk
from app.questionnaires.domain.claim_answers import Prefill
from app.questionnaires.domain.crosswalk import crosswalk_answers
from app.questionnaires.domain.source import SourceQuestionnaire
from app.questionnaires.errors import QuestionnaireError
from app.questionnaires.formats import layout_name, read_answers
from app.reports import service as reports_service
from app.reports.models import Document
from app.reports.screening import Refusal
from app.requests import answer_store
from app.requests.models import QuestionnaireRequest
from app.vendors.models import Vendor

SPREADSHEET_SUFFIX: Final = ".xlsx"
_SHORT_NAMES: Final = {"caiq": "CAIQ", "vsaq": "VSAQ", "k12cvat": "K-12CVAT"}


class NotACompletedQuestionnaire(InvalidInput):
    """The upload is not a completed questionnaire we can read."""


@dataclass(frozen=True)
class CompletedOutcome:
    """What an upload gave: the stored record and the questions it pre-answered."""

    record: CompletedQuestionnaire
    prefilled: tuple[str, ...]
    is_duplicate: bool


def _short_name(layout_format: str) -> str:
    if layout_format in _SHORT_NAMES:
        return _SHORT_NAMES[layout_format]
    family, _, edition = layout_format.partition("-")
    return f"{family.upper()} {edition.title()}".strip()


def _read(source_file: Path) -> SourceQuestionnaire:
    try:
        return read_answers(source_file)
    except QuestionnaireError as error:
        raise NotACompletedQuestionnaire(
            "This file is not a completed questionnaire we can read (a CAIQ or HECVAT .xlsx "
            f"with answers): {str(error).splitlines()[0]}"
        ) from error


def receive_completed_questionnaire(
    session: Session,
    store: EvidenceStore,
    upload: Upload,
    *,
    vendor: Vendor,
    request: QuestionnaireRequest | None = None,
) -> CompletedOutcome:
    """Store a completed questionnaire, keep its answers and pre-answer open questionnaires."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / f"upload{SPREADSHEET_SUFFIX}"
        with copy.open("wb") as handle:
            shutil.copyfileobj(upload.source, handle, length=1024 * 1024)
        if copy.stat().st_size > store.max_upload_bytes:
            limit = store.max_upload_bytes // 2**20
            raise NotACompletedQuestionnaire(f"The file is larger than {limit} MB, the limit.")
        source = _read(copy)
        with copy.open("rb") as stored:
            screened = reports_service.screen(
                store.storage,
                stored,
                max_bytes=store.max_upload_bytes,
                allow_images=False,
                allow_spreadsheets=True,
                scanner=store.scanner,
                read_facts=False,
            )
        outcome = reports_service.upload_document(
            session,
            storage=store.storage,
            screened=screened,
            filename=upload.filename,
            vendor_id=id_of(vendor),
            request_id=request.id if request is not None else None,
            channel=upload.channel,
            actor=upload.actor,
            uploaded_by_id=upload.uploaded_by_id,
        )
    if isinstance(outcome, Refusal):
        raise NotACompletedQuestionnaire(outcome.reason)
    document = outcome.document
    record = _record_for(session, document)
    if record is None:
        record = CompletedQuestionnaire(
            document_id=id_of(document),
            vendor_id=id_of(vendor),
            layout=layout_name(source),
            format=source.format,
            title=source.title[:200],
            answers=[
                {
                    "id": q.source_id,
                    "question": q.text,
                    "answer": q.answer,
                    "notes": q.notes,
                    "sheet": q.sheet,
                    "row": q.row,
                }
                for q in source.answered
            ],
        )
        session.add(record)
        session.flush()
    filled: list[str] = []
    for open_request in answer_store.open_requests(session, id_of(vendor)):
        filled.extend(prefill_from_completed(session, open_request, actor=upload.actor))
    audit_service.record(
        session,
        actor=upload.actor,
        action=AuditAction.completed_questionnaire_read,
        subject_type="document",
        subject_id=id_of(document),
        data={"layout": record.layout, "answers": len(record.answers), "prefilled": len(filled)},
    )
    return CompletedOutcome(record, tuple(filled), outcome.is_duplicate)


def _record_for(session: Session, document: Document) -> CompletedQuestionnaire | None:
    statement = select(CompletedQuestionnaire).where(
        CompletedQuestionnaire.document_id == id_of(document)
    )
    return session.exec(statement).first()


def vendor_completed(session: Session, vendor_id: int) -> Sequence[CompletedQuestionnaire]:
    """Return a vendor's completed questionnaires, newest first."""
    statement = (
        select(CompletedQuestionnaire)
        .where(CompletedQuestionnaire.vendor_id == vendor_id)
        .order_by(col(CompletedQuestionnaire.id).desc())
    )
    return session.exec(statement).all()


@dataclass(frozen=True)
class AnswerMatches:
    """One completed questionnaire and those of its answers a search found."""

    record: CompletedQuestionnaire
    answers: tuple[dict[str, Any], ...]


def search_answers(session: Session, vendor_id: int, query: str) -> list[AnswerMatches]:
    """Return the vendor's completed questionnaires with the answers containing the words."""
    words = query.lower().split()
    found = []
    for record in vendor_completed(session, vendor_id):
        matches = tuple(
            item for item in record.answers if all(word in _haystack(item) for word in words)
        )
        found.append(AnswerMatches(record, matches))
    return found


def _haystack(item: dict[str, Any]) -> str:
    return " ".join(
        str(item.get(key) or "") for key in ("id", "question", "answer", "notes")
    ).lower()


def completed_prefills(session: Session, request: QuestionnaireRequest) -> dict[str, Prefill]:
    """Return, per question, the answer the vendor's newest completed questionnaire gives."""
    definition = answer_store.frozen_definition(request).definition
    crosswalk = find_crosswalk(definition.slug)
    if crosswalk is None:
        return {}
    found: dict[str, Prefill] = {}
    for record in reversed(vendor_completed(session, request.vendor_id)):  # newest wins
        answers = {str(item["id"]): str(item.get("answer") or "") for item in record.answers}
        for question_id, answer in crosswalk_answers(
            definition, crosswalk, record.layout, answers
        ).items():
            reference = f"{_short_name(record.format)}, {', '.join(answer.source_ids)}"
            found[question_id] = Prefill(
                answer.value, str(record.document_id), None, reference=reference
            )
    return found


def prefill_from_completed(
    session: Session, request: QuestionnaireRequest, *, actor: str
) -> list[str]:
    """Answer the visible, unanswered questions a completed questionnaire answers."""
    prefills = completed_prefills(session, request)
    return fill_open_questions(
        session, request=request, prefills_for=lambda _values: prefills, actor=actor
    )
