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
from app.questionnaires.domain.definition import Question, QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import NOT_APPLICABLE, QuestionType
from app.requests import answer_store as answering
from app.requests.answer_pages import Progress, QuestionView, question_views, visible_progress
from app.requests.documents import documents_of
from app.requests.domain.answer_input import (
    FIELD_PREFIX,
    VERSION_PREFIX,
    FormValueError,
    answer_from_form,
    expected_version,
)
from app.requests.errors import AnswerConflict, InvalidAnswer
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
    # Plain values for visibility and progress; ORM rows only for what is written or drawn.
    values = answering.load_values(session, request.id)
    visible_before = _visible_ids(definition, values)
    answer = answering.save_answer(
        session,
        request=request,
        question_id=question_id,
        value=value,
        expected_version=seen,
        actor=vendor_actor(id_of(request)),
    )
    values[question_id] = answer.value
    visible = visible_questions(definition, values)
    visible_after = {question.id for question in visible}
    flipped = visible_before ^ visible_after
    # Uploaded files are listed only under file questions; skip the query when none flipped.
    has_files = any(
        question.type is QuestionType.FILE_UPLOAD
        for question in definition.questions()
        if question.id in flipped
    )
    documents = documents_of(session, request.id) if has_files else {}
    # Only the questions that flipped are drawn again, from the visibility computed above.
    shown = answering.load_answers_to(session, request.id, flipped) if flipped else {}
    changed = question_views(definition, shown, visible_after, flipped, documents)
    return SavedAnswer(
        question_id=question_id,
        version=answer.row_version,
        changed=changed,
        progress=visible_progress(visible, values),
        is_editable=answering.is_editable(request),
    )


@dataclass(frozen=True)
class AnswerClash:
    """Two windows saved one answer: what this window typed and what is saved now."""

    question_id: str
    question_text: str
    yours: str
    saved: str
    saved_version: int
    # Both windows hold the same value: nothing to choose between.
    is_same: bool = False


def _shown(question: Question, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(no answer)"
    if value == NOT_APPLICABLE:
        return "Not applicable"
    labels = {choice.value: str(choice.label or choice.value) for choice in question.choices or ()}
    labels |= {"yes": labels.get("yes", "Yes"), "no": labels.get("no", "No")}
    items = value if isinstance(value, list) else [value]
    return ", ".join(labels.get(str(item), str(item)) for item in items)


def answer_clash(
    session: Session,
    *,
    request: QuestionnaireRequest,
    question_id: str,
    getlist: Callable[[str], list[Any]],
) -> AnswerClash:
    """Return both values of an answer another window saved first, for the vendor to choose."""
    assert request.id is not None
    question = answering.frozen_definition(request).definition.question(question_id)
    if question is None:
        raise InvalidAnswer(f"There is no such question '{question_id}' here.")
    row = answering.load_answer(session, request.id, question_id)
    saved = row.value if row else None
    try:
        value = answer_from_form(question, getlist)
        yours, is_same = _shown(question, value), value == saved
    except FormValueError:
        typed = getlist(FIELD_PREFIX + question_id)
        yours, is_same = ", ".join(str(item) for item in typed) or "(no answer)", False
    return AnswerClash(
        question_id=question_id,
        question_text=question.text,
        yours=yours,
        saved=_shown(question, saved),
        saved_version=row.row_version if row else 0,
        is_same=is_same,
    )


def save_or_clash(
    session: Session,
    *,
    request: QuestionnaireRequest,
    question_id: str,
    getlist: Callable[[str], list[Any]],
) -> SavedAnswer | AnswerClash:
    """Save one answer, or, when another window saved it first, return both values.

    A refused save changed nothing (the update is conditional on the version the page saw),
    so what the vendor typed stays in its field until the vendor chooses.
    """
    try:
        return save_from_form(session, request=request, question_id=question_id, getlist=getlist)
    except AnswerConflict:
        clash = answer_clash(session, request=request, question_id=question_id, getlist=getlist)
    if not clash.is_same:
        return clash
    # The other window saved what this one holds: save it at the current version instead.
    current = str(clash.saved_version)
    version_field = VERSION_PREFIX + question_id

    def at_current_version(name: str) -> list[Any]:
        return [current] if name == version_field else getlist(name)

    return save_from_form(
        session, request=request, question_id=question_id, getlist=at_current_version
    )
