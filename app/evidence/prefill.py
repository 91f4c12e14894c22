"""Pre-answer a vendor's open questions from the documents it gave us, so it is not asked twice.

Only the vendor's own documents pre-answer (never a report about another organisation), each
section from one document (see `domain.section_sources`), never over an answer the vendor gave,
and every pre-filled answer remembers its document so the page can say where it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from sqlmodel import Session

from app.core.rows import id_of
from app.evidence.domain.report_coverage import ReportCoverage, report_coverage
from app.evidence.domain.section_sources import section_sources
from app.questionnaires.criteria_crosswalks import crosswalk_for
from app.questionnaires.domain.answer_rules import (
    AnswerValue,
    check_answer,
    is_unanswered,
    visible_questions,
)
from app.questionnaires.domain.claim_answers import Prefill, answers_from_claims
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts
from app.requests import answer_store as answering
from app.requests.models import QuestionnaireRequest
from app.scoring.domain.identity import is_own
from app.scoring.domain.inputs import DocumentFacts, VendorProfile, parse_facts
from app.scoring.domain.proven_claims import prefill_claims
from app.scoring.errors import ScoringError

MAX_PASSES = 4  # a prefilled answer can reveal follow-up questions that a report also answers
Documents = Mapping[str, tuple[Document, ReportFacts | None]]


def parsed_facts(documents: Documents) -> dict[str, DocumentFacts]:
    """Return the readable facts of documents as scoring reads them, by document id."""
    parsed: dict[str, DocumentFacts] = {}
    for document, facts in documents.values():
        if facts is None:
            continue
        try:
            parsed[str(document.id)] = parse_facts(
                reports_service.scoring_facts(document, facts),
                default_document_id=str(document.id),
            )
        except ScoringError:
            continue
    return parsed


def _own_facts(documents: Documents, profile: VendorProfile) -> dict[str, DocumentFacts]:
    return {key: doc for key, doc in parsed_facts(documents).items() if is_own(doc, profile)}


def document_prefills(
    documents: Documents,
    request: QuestionnaireRequest,
    answers: Mapping[str, AnswerValue],
    profile: VendorProfile,
    today: date,
) -> dict[str, Prefill]:
    """Return, per question, the answer its section's one source document gives."""
    definition = answering.frozen_definition(request).definition
    own = _own_facts(documents, profile)
    found: dict[str, Prefill] = {}
    for section_id, document_id in section_sources(definition, answers, own).items():
        claims = {
            key: (item.value, document_id, item.page)
            for key, item in prefill_claims(own[document_id], today).items()
        }
        section = next(s for s in definition.sections if s.id == section_id)
        asked = {question.id for question in section.questions}
        found |= {
            qid: prefill
            for qid, prefill in answers_from_claims(definition, claims).items()
            if qid in asked
        }
    return found | {
        qid: prefill
        for qid, prefill in _coverage_prefills(definition, own, today).items()
        if qid not in found
    }


def control_coverage(
    documents: Documents, request: QuestionnaireRequest, profile: VendorProfile, today: date
) -> ReportCoverage:
    """Return which control questions of a request the vendor's current SOC 2 Type 2 answers."""
    definition = answering.frozen_definition(request).definition
    return report_coverage(crosswalk_for(definition.slug), _own_facts(documents, profile), today)


def _coverage_prefills(
    definition: QuestionnaireDefinition, own: Mapping[str, DocumentFacts], today: date
) -> dict[str, Prefill]:
    coverage = report_coverage(crosswalk_for(definition.slug), own, today)
    questions = {question.id: question for question in definition.questions()}
    return {
        qid: Prefill(item.answer, item.document_id, item.page, note=item.note)
        for qid, item in coverage.covered.items()
        if qid in questions and check_answer(questions[qid], item.answer) is None
    }


def prefill_answers(
    session: Session,
    *,
    request: QuestionnaireRequest,
    documents: Documents,
    profile: VendorProfile,
    today: date,
    actor: str,
) -> list[str]:
    """Answer the visible, unanswered questions that the documents answer; return their ids."""
    return fill_open_questions(
        session,
        request=request,
        prefills_for=lambda values: document_prefills(documents, request, values, profile, today),
        actor=actor,
    )


def fill_open_questions(
    session: Session,
    *,
    request: QuestionnaireRequest,
    prefills_for: Callable[[Mapping[str, AnswerValue]], Mapping[str, Prefill]],
    actor: str,
) -> list[str]:
    """Save the prefill of every visible, unanswered question, never over a vendor's answer.

    Repeated a few times: a prefilled answer can reveal follow-ups that are prefilled too.
    """
    request_id = id_of(request)
    definition = answering.frozen_definition(request).definition
    filled: list[str] = []
    for _ in range(MAX_PASSES):
        answers = answering.load_answers(session, request_id)
        values = answering.answer_values(answers)
        prefills = prefills_for(values)
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
                source_document_id=int(prefills[question_id].document_id),
            )
            filled.append(question_id)
    return filled
