"""Answer our questions from a vendor's completed standard questionnaire, through a crosswalk.

The crosswalk (`questionnaires/crosswalks/<slug>.yaml`) lists, per question of ours, the
source IDs of each layout that ask the same thing, with the reasoning. A mapping answers
"yes" when every listed source says yes, "no" when any says no, "n/a" when all say N/A and
the question allows it; a source left blank answers nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import NOT_APPLICABLE, QuestionType

_YES: Final = frozenset({"yes", "y", "true"})
_NO: Final = frozenset({"no", "n", "false"})
_NA: Final = frozenset({"na", "n/a", "not applicable"})


@dataclass(frozen=True)
class SourceMapping:
    """One question of ours and the source IDs, per layout, that answer it."""

    question: str
    sources: Mapping[str, tuple[str, ...]]
    reasoning: str


@dataclass(frozen=True)
class Crosswalk:
    """Every mapping for one questionnaire of ours."""

    questionnaire: str
    mappings: tuple[SourceMapping, ...]


@dataclass(frozen=True)
class CrosswalkAnswer:
    """An answer read from a completed questionnaire, with the source IDs it came from."""

    value: str
    source_ids: tuple[str, ...]


def parse_crosswalk(data: Any) -> Crosswalk:
    """Build a crosswalk from its YAML data; raise ValueError naming what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("mappings"), list):
        raise ValueError("a crosswalk needs 'questionnaire' and a 'mappings' list")
    mappings = []
    for index, item in enumerate(data["mappings"]):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise ValueError(f"mappings[{index}] needs a 'question'")
        if not str(item.get("reasoning") or "").strip():
            raise ValueError(f"mappings[{index}] ({item['question']}) needs its 'reasoning'")
        sources = {
            str(layout): tuple(str(source) for source in ids)
            for layout, ids in item.items()
            if layout not in ("question", "reasoning") and isinstance(ids, list)
        }
        mappings.append(SourceMapping(item["question"], sources, str(item["reasoning"]).strip()))
    return Crosswalk(str(data.get("questionnaire", "")), tuple(mappings))


def _normalise(answer: str) -> str | None:
    word = answer.strip().lower().rstrip(".")
    if word in _YES:
        return "yes"
    if word in _NO:
        return "no"
    if word in _NA:
        return NOT_APPLICABLE
    return None


def crosswalk_answers(
    definition: QuestionnaireDefinition,
    crosswalk: Crosswalk,
    layout: str,
    answers: Mapping[str, str],
) -> dict[str, CrosswalkAnswer]:
    """Return, per question of ours, the answer the completed questionnaire gives."""
    found: dict[str, CrosswalkAnswer] = {}
    for mapping in crosswalk.mappings:
        source_ids = mapping.sources.get(layout)
        question = definition.question(mapping.question)
        if not source_ids or question is None or question.type is not QuestionType.YES_NO:
            continue
        values = [_normalise(answers.get(source_id, "")) for source_id in source_ids]
        if any(value is None for value in values):
            continue
        if "no" in values:
            value = "no"
        elif all(value == "yes" for value in values):
            value = "yes"
        elif all(value == NOT_APPLICABLE for value in values) and question.allow_na:
            value = NOT_APPLICABLE
        else:
            continue
        found[question.id] = CrosswalkAnswer(value, source_ids)
    return found
