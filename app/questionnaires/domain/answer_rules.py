"""Answers to a questionnaire: which questions are visible, whether answers are valid, claims.

Answer values by question type: yes_no → "yes"/"no"; single_choice → a choice value;
multiple_choice → a list of choice values; date → "YYYY-MM-DD"; number → int or float;
short/long text → str; file_upload → a document reference (str) or a list of them;
trust_center → [web address, terms] (`vocabulary.TRUST_CENTER_TERMS`).
"Not applicable" is the string "n/a", accepted only where the question allows it.
`None`, "" and [] mean unanswered. Answers to hidden questions are ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from app.questionnaires.domain.definition import (
    AndCondition,
    Condition,
    LeafCondition,
    OrCondition,
    Question,
    QuestionnaireDefinition,
)
from app.questionnaires.domain.vocabulary import (
    CHOICE_TYPES,
    NOT_APPLICABLE,
    TRUST_CENTER_TERMS,
    QuestionType,
)

AnswerValue = str | int | float | Sequence[str] | None
Answers = Mapping[str, AnswerValue]
ClaimValue = str | int | float | list[str]

SHORT_TEXT_LIMIT: Final = 500
LONG_TEXT_LIMIT: Final = 20_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AnswerProblemCode(StrEnum):
    """Why an answer set is not acceptable."""

    UNKNOWN_QUESTION = "unknown_question"
    MISSING_REQUIRED = "missing_required"
    WRONG_TYPE = "wrong_type"
    INVALID_CHOICE = "invalid_choice"
    NOT_APPLICABLE_NOT_ALLOWED = "not_applicable_not_allowed"
    INVALID_DATE = "invalid_date"
    OUT_OF_RANGE = "out_of_range"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class AnswerProblem:
    """One problem with one answer."""

    question_id: str
    code: AnswerProblemCode
    message: str


def is_unanswered(value: AnswerValue) -> bool:
    """Tell whether a value counts as no answer at all."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, Sequence) and len(value) == 0


def visible_questions(
    definition: QuestionnaireDefinition, answers: Answers
) -> tuple[Question, ...]:
    """Return the questions whose `show_if` holds, in order.

    Answers to hidden questions, and invalid answers, count as absent, so a stale answer
    left behind on a hidden question never reveals its own follow-ups.
    """
    visible: list[Question] = []
    shown_answers: dict[str, AnswerValue] = {}
    for question in definition.questions():
        if question.show_if is None or condition_holds(question.show_if, shown_answers):
            visible.append(question)
            value = answers.get(question.id)
            if not is_unanswered(value) and check_answer(question, value) is None:
                shown_answers[question.id] = value
    return tuple(visible)


def condition_holds(condition: Condition, answers: Answers) -> bool:
    """Evaluate a `show_if` condition against answers (unanswered never matches)."""
    if isinstance(condition, AndCondition):
        return all(condition_holds(inner, answers) for inner in condition.and_)
    if isinstance(condition, OrCondition):
        return any(condition_holds(inner, answers) for inner in condition.or_)
    return _leaf_holds(condition, answers)


def _leaf_holds(leaf: LeafCondition, answers: Answers) -> bool:
    answer = answers.get(leaf.question)
    if is_unanswered(answer):
        return False
    selected = _items(answer)
    wanted = leaf.values()
    if leaf.kind == "all_of":
        return all(value in selected for value in wanted)
    return any(value in selected for value in wanted)


def _is_list(value: AnswerValue) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _items(value: AnswerValue) -> list[object]:
    """Return a list answer's items, or a single answer as a one-item list."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [value]


def validate_answers(definition: QuestionnaireDefinition, answers: Answers) -> list[AnswerProblem]:
    """Return every problem with an answer set: unknown ids, types, choices, N/A, required."""
    problems = [
        AnswerProblem(key, AnswerProblemCode.UNKNOWN_QUESTION, f"no question '{key}'")
        for key in answers
        if definition.question(key) is None
    ]
    for question in visible_questions(definition, answers):
        value = answers.get(question.id)
        if is_unanswered(value):
            if question.required:
                problems.append(
                    AnswerProblem(
                        question.id, AnswerProblemCode.MISSING_REQUIRED, "an answer is required"
                    )
                )
            continue
        problem = check_answer(question, value)
        if problem is not None:
            problems.append(problem)
    return problems


def check_answer(question: Question, value: AnswerValue) -> AnswerProblem | None:
    """Return the problem with one non-empty answer to one question, or None."""
    if value == NOT_APPLICABLE:
        if question.allow_na:
            return None
        return _problem(question, AnswerProblemCode.NOT_APPLICABLE_NOT_ALLOWED, "N/A not allowed")
    if question.type in CHOICE_TYPES or question.type is QuestionType.YES_NO:
        return _check_choice(question, value)
    if question.type is QuestionType.NUMBER:
        return _check_number(question, value)
    if question.type is QuestionType.DATE:
        return _check_date(question, value)
    if question.type is QuestionType.FILE_UPLOAD:
        if all(isinstance(ref, str) and ref for ref in _items(value)):
            return None
        return _problem(question, AnswerProblemCode.WRONG_TYPE, "expected document references")
    if question.type is QuestionType.TRUST_CENTER:
        return _check_trust_center(question, value)
    return _check_text(question, value)


_WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


def is_web_address(text: str) -> bool:
    """Tell whether text is an http(s) address with a dotted host (a trust-center page)."""
    return len(text) <= SHORT_TEXT_LIMIT and _WEB_ADDRESS.match(text) is not None


def _check_trust_center(question: Question, value: AnswerValue) -> AnswerProblem | None:
    items = _items(value)
    if len(items) != 2 or not all(isinstance(item, str) for item in items):
        return _problem(question, AnswerProblemCode.WRONG_TYPE, "expected an address and terms")
    url, terms = (str(item) for item in items)
    if not is_web_address(url):
        message = "enter the web address of the report, starting with https://"
        return _problem(question, AnswerProblemCode.WRONG_TYPE, message)
    if terms not in TRUST_CENTER_TERMS:
        message = "choose the terms that apply to downloading the report"
        return _problem(question, AnswerProblemCode.WRONG_TYPE, message)
    return None


def _problem(question: Question, code: AnswerProblemCode, message: str) -> AnswerProblem:
    return AnswerProblem(question.id, code, message)


def _check_choice(question: Question, value: AnswerValue) -> AnswerProblem | None:
    allowed = ("yes", "no") if question.type is QuestionType.YES_NO else question.choice_values()
    is_multiple = question.type is QuestionType.MULTIPLE_CHOICE
    if is_multiple != _is_list(value):
        expected = "a list of choice values" if is_multiple else "one value"
        return _problem(question, AnswerProblemCode.WRONG_TYPE, f"expected {expected}")
    picked = _items(value)
    bad = [item for item in picked if not isinstance(item, str) or item not in allowed]
    if bad:
        listed = ", ".join(repr(item) for item in bad)
        return _problem(question, AnswerProblemCode.INVALID_CHOICE, f"not a choice: {listed}")
    if len(set(picked)) != len(picked):
        return _problem(question, AnswerProblemCode.INVALID_CHOICE, "a choice is repeated")
    return None


def _check_number(question: Question, value: AnswerValue) -> AnswerProblem | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return _problem(question, AnswerProblemCode.WRONG_TYPE, "expected a number")
    if question.min is not None and value < question.min:
        return _problem(question, AnswerProblemCode.OUT_OF_RANGE, f"below {question.min}")
    if question.max is not None and value > question.max:
        return _problem(question, AnswerProblemCode.OUT_OF_RANGE, f"above {question.max}")
    return None


def _check_date(question: Question, value: AnswerValue) -> AnswerProblem | None:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return _problem(question, AnswerProblemCode.INVALID_DATE, "expected YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        return _problem(question, AnswerProblemCode.INVALID_DATE, f"no such date: {value}")
    return None


def _check_text(question: Question, value: AnswerValue) -> AnswerProblem | None:
    if not isinstance(value, str):
        return _problem(question, AnswerProblemCode.WRONG_TYPE, "expected text")
    limit = SHORT_TEXT_LIMIT if question.type is QuestionType.SHORT_TEXT else LONG_TEXT_LIMIT
    if len(value) > limit:
        return _problem(question, AnswerProblemCode.TOO_LONG, f"longer than {limit} characters")
    return None


def claims_from_answers(
    definition: QuestionnaireDefinition, answers: Answers
) -> dict[str, ClaimValue]:
    """Return `maps_to` key → answer for visible, valid, applicable answers of mapped questions."""
    claims: dict[str, ClaimValue] = {}
    for question in visible_questions(definition, answers):
        value = answers.get(question.id)
        if question.maps_to is None or is_unanswered(value) or value == NOT_APPLICABLE:
            continue
        if check_answer(question, value) is not None:
            continue
        if isinstance(value, str | int | float):
            claims[question.maps_to] = value
        else:
            claims[question.maps_to] = [str(item) for item in _items(value)]
    return claims


def claim_targets(
    definition: QuestionnaireDefinition, answers: Answers
) -> dict[str, dict[str, list[str]]]:
    """Return, per claim, the document kinds its section asks for and the files uploaded there.

    A claim is checked against the document uploaded beside it, or a document of the kind its
    section is about, so a SOC 2 answer is never compared with a SOC 3 report.
    """
    targets: dict[str, dict[str, list[str]]] = {}
    visible = {question.id for question in visible_questions(definition, answers)}
    for section in definition.sections:
        uploads = [q for q in section.questions if q.type is QuestionType.FILE_UPLOAD]
        kinds = sorted({str(kind) for q in uploads for kind in (q.document_kinds or ())})
        files = [
            str(ref)
            for q in uploads
            if q.id in visible
            for ref in _items(answers.get(q.id))
            if ref not in (None, "")
        ]
        for question in section.questions:
            if question.maps_to is None or question.id not in visible:
                continue
            if is_unanswered(answers.get(question.id)):
                continue
            targets[question.maps_to] = {"kinds": kinds, "documents": files}
    return targets


def add_claims(
    claims: dict[str, object], definition: QuestionnaireDefinition, answers: Answers
) -> None:
    """Add one questionnaire's claims, with the documents they concern, over earlier ones."""
    claims.update(claims_from_answers(definition, answers))
    earlier = claims.get("targets")
    claims["targets"] = {
        **(earlier if isinstance(earlier, dict) else {}),
        **claim_targets(definition, answers),
    }
