"""A questionnaire as its publisher wrote it, before it becomes one of our definitions.

Every question keeps its source ID, section, where it sat (sheet and row) and, when the file
is a completed one, the vendor's answer and notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.questionnaires.domain.vocabulary import QuestionType


@dataclass(frozen=True)
class FollowUp:
    """A conditional question: shown when the parent is answered `when` (yes/no or a choice)."""

    text: str
    when: str


@dataclass(frozen=True)
class SourceQuestion:
    """One question of a published questionnaire."""

    source_id: str
    section: str
    text: str
    kind: QuestionType
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) pairs of a choice question."""
    allow_na: bool = False
    help: str | None = None
    follow_up: FollowUp | None = None
    answer: str | None = None
    notes: str | None = None
    sheet: str = ""
    row: int = 0
    shown_if: dict[str, Any] | None = None
    """A condition in definition form whose `question` keys are source IDs (VSAQ `cond`)."""


@dataclass(frozen=True)
class SourceQuestionnaire:
    """What a file holds: its recognised layout, its name and its questions in order."""

    format: str
    edition: str
    title: str
    questions: tuple[SourceQuestion, ...]

    @property
    def answered(self) -> tuple[SourceQuestion, ...]:
        """Return the questions the file answers (a completed questionnaire)."""
        return tuple(q for q in self.questions if q.answer)

    @property
    def follow_ups(self) -> int:
        """Return how many conditional questions the import will add or keep."""
        return sum(1 for q in self.questions if q.follow_up or q.shown_if)


def identifier(text: str, taken: set[str], *, limit: int = 40) -> str:
    """Make a unique snake_case identifier from a source ID or label (`A&A-01.1` → `a_a_01_1`)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    base = ""
    for word in words:
        candidate = f"{base}_{word}" if base else word
        if len(candidate) > limit:
            break
        base = candidate
    base = base or "item"
    if not base[0].isalpha():
        base = f"q_{base}"
    unique, counter = base, 2
    while unique in taken:
        unique, counter = f"{base}_{counter}", counter + 1
    taken.add(unique)
    return unique
