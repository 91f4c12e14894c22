"""Per control question, who answers it: the vendor, the vendor's SOC 2 Type 2 report, or both.

Staff read beside each security-baseline question the answer, whether the vendor gave or
confirmed it, the criterion and page of the report that evidences it, and any exception that
kept the report from answering it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session, col, select

from app.evidence import prefill
from app.questionnaires.criteria_crosswalks import crosswalk_for
from app.questionnaires.domain.answer_rules import is_unanswered
from app.requests import answer_store as answering
from app.requests.documents import prefill_sources
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.scoring.domain.inputs import ExceptionItem, VendorProfile


class AnsweredBy(StrEnum):
    vendor = "vendor"  # the vendor answered (or confirmed) and no report evidences it
    report = "report"  # pre-filled from the report and not yet confirmed by the vendor
    both = "both"  # the vendor answered or confirmed, and the report evidences it
    nobody = "nobody"


@dataclass(frozen=True)
class ControlQuestionRow:
    question_id: str
    question: str
    answer: object
    answered_by: AnsweredBy
    criterion: str | None
    page: int | None
    document_id: str | None
    document_name: str | None
    # The report's answer differs from the vendor's own.
    report_answer: str | None
    exceptions: tuple[ExceptionItem, ...]


@dataclass(frozen=True)
class ControlQuestions:
    request: QuestionnaireRequest | None
    rows: tuple[ControlQuestionRow, ...]

    @property
    def evidenced_count(self) -> int:
        return sum(1 for row in self.rows if row.criterion is not None)


def _latest_with_crosswalk(session: Session, vendor_id: int) -> QuestionnaireRequest | None:
    requests = session.exec(
        select(QuestionnaireRequest)
        .where(
            QuestionnaireRequest.vendor_id == vendor_id,
            col(QuestionnaireRequest.status) != RequestStatus.cancelled.value,
        )
        .order_by(col(QuestionnaireRequest.id).desc())
    ).all()
    return next((r for r in requests if crosswalk_for(r.questionnaire_slug).questions), None)


def control_questions(
    session: Session, vendor_id: int, profile: VendorProfile, today: date
) -> ControlQuestions:
    """Return the rows for the vendor's latest questionnaire that has control questions."""
    request = _latest_with_crosswalk(session, vendor_id)
    if request is None or request.id is None:
        return ControlQuestions(None, ())
    definition = answering.frozen_definition(request).definition
    crosswalk = crosswalk_for(definition.slug)
    documents = prefill_sources(session, request)
    coverage = prefill.control_coverage(documents, request, profile, today)
    answers = answering.load_answers(session, request.id)
    rows = []
    for question in definition.questions():
        if question.id not in crosswalk.questions:
            continue
        row = answers.get(question.id)
        value = row.value if row and not is_unanswered(row.value) else None
        covered = coverage.covered.get(question.id)
        from_report = row is not None and row.source_document_id is not None
        if value is None:
            answered_by = AnsweredBy.nobody
        elif from_report:
            answered_by = AnsweredBy.report
        else:
            answered_by = AnsweredBy.both if covered else AnsweredBy.vendor
        name = documents[covered.document_id][0].filename if covered else None
        labels = {
            choice.value: str(choice.label or choice.value) for choice in question.choices or ()
        }
        rows.append(
            ControlQuestionRow(
                question_id=question.id,
                question=question.text,
                answer=labels.get(value, value) if isinstance(value, str) else value,
                answered_by=answered_by,
                criterion=covered.criterion if covered else None,
                page=covered.page if covered else None,
                document_id=covered.document_id if covered else None,
                document_name=name,
                report_answer=(
                    labels.get(covered.answer, covered.answer)
                    if covered and value not in (None, covered.answer)
                    else None
                ),
                exceptions=coverage.open_by_exception.get(question.id, ()),
            )
        )
    return ControlQuestions(request, tuple(rows))
