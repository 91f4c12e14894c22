"""Pre-answer a vendor's open questions from the documents it gave us, so it is not asked twice."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.core.rows import id_of
from app.questionnaires.domain.answer_rules import is_unanswered, visible_questions
from app.questionnaires.domain.claim_answers import Prefill, answers_from_claims
from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts
from app.requests import answer_store as answering
from app.requests.models import QuestionnaireRequest
from app.scoring.domain.inputs import parse_facts
from app.scoring.domain.proven_claims import prefill_claims
from app.scoring.errors import ScoringError

MAX_PASSES = 4  # a prefilled answer can reveal follow-up questions that a report also answers


def document_prefills(
    documents: dict[str, tuple[Document, ReportFacts | None]],
    request: QuestionnaireRequest,
    today: date,
) -> dict[str, Prefill]:
    """Return, per question, the answer the request's documents give (newest upload wins)."""
    claims: dict[str, tuple[object, str, int | None]] = {}
    ordered = sorted(documents.values(), key=lambda pair: pair[0].uploaded_at)
    for document, facts in ordered:
        if facts is None:
            continue
        try:
            parsed = parse_facts(
                reports_service.effective_facts(facts), default_document_id=str(document.id)
            )
        except ScoringError:
            continue
        for key, item in prefill_claims(parsed, today).items():
            claims[key] = (item.value, str(document.id), item.page)
    definition = answering.frozen_definition(request).definition
    return answers_from_claims(definition, claims)


def prefill_answers(
    session: Session,
    *,
    request: QuestionnaireRequest,
    documents: dict[str, tuple[Document, ReportFacts | None]],
    today: date,
    actor: str,
) -> list[str]:
    """Answer the visible, unanswered questions that the documents answer; return their ids."""
    request_id = id_of(request)
    prefills = document_prefills(documents, request, today)
    definition = answering.frozen_definition(request).definition
    filled: list[str] = []
    for _ in range(MAX_PASSES):
        answers = answering.load_answers(session, request_id)
        values = answering.answer_values(answers)
        todo = [
            q.id
            for q in visible_questions(definition, values)
            if q.id in prefills and is_unanswered(values.get(q.id))
        ]
        if not todo:
            break
        for question_id in todo:
            current = answers.get(question_id)
            answering.save_answer(
                session,
                request=request,
                question_id=question_id,
                value=prefills[question_id].value,
                expected_version=current.row_version if current else None,
                actor=actor,
            )
            filled.append(question_id)
    return filled
