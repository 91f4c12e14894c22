"""Turn facts a report proves into answers to the questions mapped to them.

The scoring module says which claims a document proves (in report vocabulary: "SOC 2",
"carve-out", True); this module writes them in each question's own vocabulary ("soc2",
"carve_out", "yes") and keeps only values the question accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.questionnaires.domain.answer_rules import AnswerValue, check_answer
from app.questionnaires.domain.definition import Question, QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import QuestionType


@dataclass(frozen=True)
class Prefill:
    """An answer read from a document, with where it came from."""

    value: AnswerValue
    document_id: str
    page: int | None
    # What to tell the vendor instead of "from your report, page N" (e.g. the criterion tested).
    note: str | None = None
    reference: str | None = None
    """Where in a completed questionnaire the answer came from, e.g. "CAIQ, IAM-14.1"."""


def _as_answer(question: Question, value: object) -> AnswerValue:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if question.maps_to == "framework" and isinstance(value, str):
        return value.lower().replace(" ", "")
    if question.maps_to == "subservice_method" and isinstance(value, str):
        return value.replace("-", "_")
    if isinstance(value, list):
        items = [str(item) for item in value]
        if question.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
            return "; ".join(items) if items else None
        return items
    if isinstance(value, int | float | str):
        return value
    return None


def answers_from_claims(
    definition: QuestionnaireDefinition, claims: Mapping[str, tuple[object, str, int | None]]
) -> dict[str, Prefill]:
    """Return, per question id, the answer a document gives (claims: key → value, doc, page)."""
    found: dict[str, Prefill] = {}
    for question in definition.questions():
        if question.maps_to is None or question.maps_to not in claims:
            continue
        raw, document_id, page = claims[question.maps_to]
        value = _as_answer(question, raw)
        if value is None or value == [] or check_answer(question, value) is not None:
            continue
        found[question.id] = Prefill(value, document_id, page)
    return found
