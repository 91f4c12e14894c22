"""Cross-reference rules of questionnaire definitions that a per-field model cannot check.

Each rule yields `(data path, message)`; `parsing.parse_definition` turns them into
located problems. Rules: unique ids, choices only (and always) on choice questions,
document kinds only on uploads, bounds only on numbers, `maps_to` matching its fact's
type and vocabulary, and `show_if` referring to an earlier question with valid values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from app.questionnaires.domain.definition import (
    Condition,
    LeafCondition,
    Question,
    QuestionnaireDefinition,
)
from app.questionnaires.domain.vocabulary import (
    CHOICE_TYPES,
    DOCUMENT_TYPES,
    MAPS_TO_CHOICE_VALUES,
    MAPS_TO_TYPES,
    NOT_APPLICABLE,
    QuestionType,
)

Path = tuple[str | int, ...]
Problem = tuple[Path, str]

CONDITIONAL_TYPES = frozenset(
    {
        QuestionType.YES_NO,
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.NUMBER,
    }
)
"""Question types a `show_if` may refer to (their answers are comparable values)."""


def check_definition(definition: QuestionnaireDefinition) -> list[Problem]:
    """Return every cross-reference problem of a structurally valid definition."""
    problems: list[Problem] = []
    problems.extend(_duplicate_ids(definition))
    all_ids = {question.id for question in definition.questions()}
    earlier: dict[str, Question] = {}
    mapped: dict[str, str] = {}
    for s_index, section in enumerate(definition.sections):
        for q_index, question in enumerate(section.questions):
            path: Path = ("sections", s_index, "questions", q_index)
            problems.extend(_question_shape(question, path))
            problems.extend(_maps_to(question, path, mapped))
            if question.show_if is not None:
                show_if_path: Path = (*path, "show_if")
                problems.extend(_condition(question.show_if, show_if_path, earlier, all_ids))
            earlier.setdefault(question.id, question)
    return problems


def _duplicate_ids(definition: QuestionnaireDefinition) -> Iterator[Problem]:
    section_ids: set[str] = set()
    question_ids: set[str] = set()
    for s_index, section in enumerate(definition.sections):
        if section.id in section_ids:
            yield ("sections", s_index, "id"), f"duplicate section id '{section.id}'"
        section_ids.add(section.id)
        for q_index, question in enumerate(section.questions):
            if question.id in question_ids:
                path: Path = ("sections", s_index, "questions", q_index, "id")
                yield path, f"duplicate question id '{question.id}'"
            question_ids.add(question.id)


def _question_shape(question: Question, path: Path) -> Iterator[Problem]:
    kind = question.type
    if kind in CHOICE_TYPES and len(question.choices or ()) < 2:
        yield (*path, "choices"), f"a {kind} question needs at least two choices"
    if kind not in CHOICE_TYPES and question.choices is not None:
        yield (*path, "choices"), f"choices are only allowed on choice questions, not {kind}"
    seen: set[str] = set()
    for index, choice in enumerate(question.choices or ()):
        if choice.value in seen:
            yield (*path, "choices", index, "value"), f"duplicate choice value '{choice.value}'"
        seen.add(choice.value)
    if kind in DOCUMENT_TYPES and not question.document_kinds:
        yield (*path, "document_kinds"), f"a {kind} question needs document_kinds"
    if kind not in DOCUMENT_TYPES and question.document_kinds is not None:
        yield (
            (*path, "document_kinds"),
            "document_kinds are only allowed on file_upload and trust_center",
        )
    if question.document_kinds and len(set(question.document_kinds)) < len(question.document_kinds):
        yield (*path, "document_kinds"), "document_kinds lists a kind twice"
    yield from _bounds(question, path)


def _bounds(question: Question, path: Path) -> Iterator[Problem]:
    for bound in ("min", "max"):
        if getattr(question, bound) is not None and question.type is not QuestionType.NUMBER:
            yield (*path, bound), f"{bound} is only allowed on number questions"
    if question.min is not None and question.max is not None and question.min > question.max:
        yield (*path, "min"), f"min ({question.min}) is greater than max ({question.max})"


def _maps_to(question: Question, path: Path, mapped: dict[str, str]) -> Iterator[Problem]:
    key = question.maps_to
    if key is None:
        return
    where: Path = (*path, "maps_to")
    if key in mapped:
        yield where, f"'{key}' is already mapped by question '{mapped[key]}'"
    mapped.setdefault(key, question.id)
    allowed = MAPS_TO_TYPES[key]
    if question.type not in allowed:
        names = ", ".join(sorted(allowed))
        yield where, f"'{key}' needs a question of type {names}, not {question.type}"
    vocabulary = MAPS_TO_CHOICE_VALUES.get(key)
    if vocabulary is not None:
        for index, value in enumerate(question.choice_values()):
            if value not in vocabulary:
                expected = ", ".join(sorted(vocabulary))
                yield (
                    (*path, "choices", index, "value"),
                    f"'{value}' is not a '{key}' value (expected one of: {expected})",
                )


def _leaves_with_paths(condition: Condition, path: Path) -> Iterator[tuple[Path, LeafCondition]]:
    inner = getattr(condition, "and_", None) or getattr(condition, "or_", None)
    if inner is None:
        yield path, cast("LeafCondition", condition)
        return
    for index, child in enumerate(inner):
        yield from _leaves_with_paths(child, (*path, condition.kind, index))


def _condition(
    condition: Condition, path: Path, earlier: dict[str, Question], all_ids: set[str]
) -> Iterator[Problem]:
    for leaf_path, leaf in _leaves_with_paths(condition, path):
        target = earlier.get(leaf.question)
        if target is None and leaf.question in all_ids:
            yield leaf_path, f"question '{leaf.question}' must appear before the one it controls"
            continue
        if target is None:
            yield leaf_path, f"unknown question id '{leaf.question}'"
            continue
        if target.type not in CONDITIONAL_TYPES:
            kinds = ", ".join(sorted(CONDITIONAL_TYPES))
            yield leaf_path, f"'{leaf.question}' is {target.type}; show_if needs one of {kinds}"
            continue
        if leaf.kind == "all_of" and target.type is not QuestionType.MULTIPLE_CHOICE:
            yield leaf_path, f"all_of needs a multiple_choice question, '{leaf.question}' is not"
        for value in leaf.values():
            if not _value_fits(target, value):
                yield leaf_path, f"{value!r} is not a possible answer to '{leaf.question}'"


def _value_fits(target: Question, value: str | int | float) -> bool:
    if value == NOT_APPLICABLE:
        return target.allow_na
    if target.type is QuestionType.YES_NO:
        return value in ("yes", "no")
    if target.type in CHOICE_TYPES:
        return value in target.choice_values()
    return isinstance(value, int | float) and not isinstance(value, bool)
