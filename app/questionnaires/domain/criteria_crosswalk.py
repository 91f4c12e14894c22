"""The crosswalk from questions to the trust services criteria they concern.

A control question ("Is MFA required for remote access?") is answered by a SOC 2 Type 2 when
the auditor tested controls under its criteria (CC6.6) with no exception; the crosswalk says
which criteria each question concerns and which answer such a report gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.questionnaires.domain.answer_rules import check_answer
from app.questionnaires.domain.definition import QuestionnaireDefinition

_CRITERION = re.compile(r"^(?:CC[1-9]|A1|C1|PI1|P[1-8])\.\d{1,2}$")


class InvalidCrosswalk(ValueError):
    """The crosswalk data is malformed or does not fit its questionnaire."""


@dataclass(frozen=True)
class CriteriaEntry:
    """The criteria one question concerns (most specific first) and the answer they give."""

    criteria: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Crosswalk:
    """Per question id, the criteria it concerns; empty for a questionnaire without one."""

    slug: str
    questions: Mapping[str, CriteriaEntry]


def parse_crosswalk(data: Any) -> Crosswalk:
    """Read a crosswalk from its data file's content; raise InvalidCrosswalk when malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
        raise InvalidCrosswalk("a crosswalk is a mapping with a 'slug'")
    questions = data.get("questions")
    if not isinstance(questions, dict):
        raise InvalidCrosswalk("a crosswalk lists its 'questions' by id")
    entries: dict[str, CriteriaEntry] = {}
    for question_id, entry in questions.items():
        criteria = entry.get("criteria") if isinstance(entry, dict) else None
        answer = entry.get("answer") if isinstance(entry, dict) else None
        if not isinstance(criteria, list) or not criteria or not isinstance(answer, str):
            raise InvalidCrosswalk(f"'{question_id}' needs a list of criteria and an answer")
        wrong = [str(item) for item in criteria if not _CRITERION.match(str(item))]
        if wrong:
            raise InvalidCrosswalk(f"'{question_id}' names unknown criteria: {', '.join(wrong)}")
        entries[str(question_id)] = CriteriaEntry(tuple(str(item) for item in criteria), answer)
    return Crosswalk(data["slug"], entries)


def crosswalk_problems(crosswalk: Crosswalk, definition: QuestionnaireDefinition) -> list[str]:
    """Say where a crosswalk does not fit a definition: unknown questions, answers refused."""
    questions = {question.id: question for question in definition.questions()}
    problems: list[str] = []
    for question_id, entry in crosswalk.questions.items():
        question = questions.get(question_id)
        if question is None:
            problems.append(f"'{question_id}' is not a question of {definition.slug}")
            continue
        refused = check_answer(question, entry.answer)
        if refused is not None:
            problems.append(f"'{question_id}': answer '{entry.answer}' is refused: {refused}")
    return problems
