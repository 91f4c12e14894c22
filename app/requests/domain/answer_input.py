"""Turn questionnaire form fields (portal and staff pages) into answer values per question type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.questionnaires.domain.answer_rules import check_answer
from app.questionnaires.domain.definition import Question, QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import NOT_APPLICABLE, QuestionType

FIELD_PREFIX = "q__"
VERSION_PREFIX = "v__"
NA_PREFIX = "na__"
TERMS_SUFFIX = "__terms"
"""A trust-center question's second field: `q__<id>` is the address, `q__<id>__terms` the terms."""


class FormValueError(ValueError):
    """A field could not be read as the question's type."""


def _number(raw: str) -> int | float | None:
    text = raw.strip().replace(",", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise FormValueError("enter a number") from None


def answer_from_form(question: Question, getlist: Callable[[str], list[Any]]) -> Any:
    """Return the answer value a form gives for a question (None when left empty)."""
    if any(str(v) == "on" for v in getlist(NA_PREFIX + question.id)) and question.allow_na:
        return NOT_APPLICABLE
    raw = [str(v) for v in getlist(FIELD_PREFIX + question.id) if not hasattr(v, "read")]
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return [v for v in raw if v] or None
    text = raw[-1] if raw else ""
    if question.type is QuestionType.NUMBER:
        return _number(text)
    if question.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        return text.strip() or None
    if question.type is QuestionType.TRUST_CENTER:
        return _trust_center(text, getlist(FIELD_PREFIX + question.id + TERMS_SUFFIX))
    return text.strip() or None


def _trust_center(address: str, terms_fields: list[Any]) -> list[str] | None:
    # Without an address there is nothing to keep yet (terms may be chosen first).
    if not address.strip():
        return None
    terms = str(terms_fields[-1]).strip() if terms_fields else ""
    return [address.strip(), terms]


def expected_version(question_id: str, getlist: Callable[[str], list[Any]]) -> int | None:
    """Return the row version the page showed for a question (None when absent)."""
    values = getlist(VERSION_PREFIX + question_id)
    try:
        return int(str(values[-1])) if values else None
    except ValueError:
        return None


def read_answers(
    definition: QuestionnaireDefinition, getlist: Callable[[str], list[Any]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Read every non-file question of a form; return answers and per-question errors."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in definition.questions():
        if question.type is QuestionType.FILE_UPLOAD:
            continue
        try:
            value = answer_from_form(question, getlist)
        except FormValueError as exc:
            errors[question.id] = str(exc)
            continue
        if value is None:
            continue
        problem = check_answer(question, value)
        if problem is not None:
            errors[question.id] = problem.message
        answers[question.id] = value
    return answers, errors
