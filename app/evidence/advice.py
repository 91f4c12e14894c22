"""What the vendor is told about each file it uploaded, question by question."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.evidence.domain.slots import slot_problems
from app.evidence.prefill import Documents, parsed_facts
from app.questionnaires.domain.answer_rules import AnswerValue
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import QuestionType
from app.requests.answer_pages import UploadAdvice
from app.scoring.domain.identity import is_own
from app.scoring.domain.inputs import VendorProfile


def upload_advice(
    definition: QuestionnaireDefinition,
    answers: Mapping[str, AnswerValue],
    documents: Documents,
    profile: VendorProfile,
    today: date,
) -> dict[tuple[str, str], UploadAdvice]:
    """Return, per (question id, document id), how a file fits the question it answers."""
    facts = parsed_facts(documents)
    advice: dict[tuple[str, str], UploadAdvice] = {}
    for question in definition.questions():
        value = answers.get(question.id)
        if question.type is not QuestionType.FILE_UPLOAD or not isinstance(value, list):
            continue
        for reference in (str(item) for item in value):
            doc = facts.get(reference)
            if doc is None:
                continue
            messages = slot_problems(
                doc,
                asks_for=[str(kind) for kind in question.document_kinds or ()],
                question_text=question.text,
                profile=profile,
                today=today,
            )
            advice[(question.id, reference)] = UploadAdvice(
                tuple(messages), is_about_someone_else=not is_own(doc, profile)
            )
    return advice
