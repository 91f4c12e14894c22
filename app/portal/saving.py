"""Saving one answer as the vendor types, and telling the page what that save changed.

The page needs the new row version, the questions whose visibility flipped and the progress
bar; these follow from the definition and the request's answers (one query), so a save does
not assemble the whole questionnaire page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.audit.actors import vendor_actor
from app.core.rows import id_of
from app.questionnaires.domain.answer_rules import visible_questions
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import QuestionType
from app.requests import answer_store as answering
from app.requests.answer_pages import Progress, QuestionView, build_sections, progress
from app.requests.documents import documents_of
from app.requests.domain.answer_input import FormValueError, answer_from_form, expected_version
from app.requests.errors import InvalidAnswer
from app.requests.models import QuestionnaireRequest


@dataclass(frozen=True)
class SavedAnswer:
    """What the page updates after a save (``progress`` and ``is_editable`` as on the page)."""

    question_id: str
    version: int
    changed: list[QuestionView]
    progress: Progress
    is_editable: bool


def _visible_ids(definition: QuestionnaireDefinition, values: dict[str, Any]) -> set[str]:
    return {question.id for question in visible_questions(definition, values)}


def save_from_form(
    session: Session,
    *,
    request: QuestionnaireRequest,
    question_id: str,
    getlist: Callable[[str], list[Any]],
) -> SavedAnswer:
    """Save one question's field of the portal form; return what the page must update."""
    assert request.id is not None
    definition = answering.frozen_definition(request).definition
    question = definition.question(question_id)
    if question is None or question.type is QuestionType.FILE_UPLOAD:
        raise InvalidAnswer(f"There is no such question '{question_id}' here.")
    try:
        value = answer_from_form(question, getlist)
    except FormValueError as exc:
        raise InvalidAnswer(f"{question.text}: {exc}.") from None
    seen = expected_version(question_id, getlist)
    if seen is None:
        # Without the version the page saw, a save could silently replace a newer answer.
        raise InvalidAnswer(
            f"{question.text}: this page is out of date; reload it and enter your answer again."
        )
    answers = answering.load_answers(session, request.id)
    visible_before = _visible_ids(definition, answering.answer_values(answers))
    answer = answering.save_answer(
        session,
        request=request,
        question_id=question_id,
        value=value,
        expected_version=seen,
        actor=vendor_actor(id_of(request)),
        answers=answers,
    )
    flipped = visible_before ^ _visible_ids(definition, answering.answer_values(answers))
    # Uploaded files are listed only under file questions; skip the query when none flipped.
    has_files = any(
        question.type is QuestionType.FILE_UPLOAD
        for question in definition.questions()
        if question.id in flipped
    )
    documents = documents_of(session, request.id) if has_files else {}
    sections = build_sections(definition, answers, documents)
    changed = [view for s in sections for view in s.questions if view.question.id in flipped]
    return SavedAnswer(
        question_id=question_id,
        version=answer.row_version,
        changed=changed,
        progress=progress(sections),
        is_editable=answering.is_editable(request),
    )
