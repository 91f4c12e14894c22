"""Questionnaire definitions: the typed, immutable model of one released questionnaire version.

A definition file `questionnaires/<slug>/v<N>.yaml` is parsed from text by
`parsing.parse_definition` into these frozen models. Structural errors come from the models;
cross-references (unique ids, `show_if` targets, choices, `maps_to` types) are checked by
`definition_checks`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    Tag,
)

from app.questionnaires.domain.vocabulary import (
    CHOICE_TYPES,
    CLAIM_KEYS,
    MAPS_TO_CHOICE_VALUES,
    MAPS_TO_KEYS,
    MAPS_TO_TYPES,
    NOT_APPLICABLE,
    DocumentKind,
    MapsToKey,
    QuestionType,
)
from app.questionnaires.domain.yaml_source import (
    dump_yaml,
)

__all__ = [
    "CHOICE_TYPES",
    "CLAIM_KEYS",
    "MAPS_TO_CHOICE_VALUES",
    "MAPS_TO_KEYS",
    "MAPS_TO_TYPES",
    "NOT_APPLICABLE",
    "AllOfCondition",
    "AndCondition",
    "AnyOfCondition",
    "Choice",
    "Condition",
    "DocumentKind",
    "EqualsCondition",
    "LeafCondition",
    "MapsToKey",
    "OrCondition",
    "Question",
    "QuestionType",
    "QuestionnaireDefinition",
    "Section",
    "content_hash",
    "definition_to_yaml",
]

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")]
ChoiceValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=64)]
Prose = Annotated[str, StringConstraints(pattern=r"\S", max_length=2000)]
SourceId = Annotated[str, StringConstraints(pattern=r"\S", max_length=64)]
ConditionValue = StrictStr | StrictInt | StrictFloat


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class Choice(_Frozen):
    """One option of a choice question: a stable value and the label shown."""

    value: ChoiceValue
    label: Prose


class LeafCondition(_Frozen):
    """A condition over one earlier question's answer."""

    kind: ClassVar[str]
    question: Identifier

    def values(self) -> tuple[ConditionValue, ...]:
        """Return the values this condition compares the answer with."""
        raise NotImplementedError

    def leaves(self) -> Iterator[LeafCondition]:
        """Yield this condition (a leaf has no inner conditions)."""
        yield self


class EqualsCondition(LeafCondition):
    """Visible when the answer equals (or, for multiple choice, includes) `equals`."""

    kind: ClassVar[str] = "equals"
    equals: ConditionValue

    def values(self) -> tuple[ConditionValue, ...]:
        """Return the one compared value."""
        return (self.equals,)


class AnyOfCondition(LeafCondition):
    """Visible when the answer is (or, for multiple choice, includes) any listed value."""

    kind: ClassVar[str] = "any_of"
    any_of: tuple[ConditionValue, ...] = Field(min_length=1)

    def values(self) -> tuple[ConditionValue, ...]:
        """Return the listed values."""
        return self.any_of


class AllOfCondition(LeafCondition):
    """Visible when a multiple-choice answer includes every listed value."""

    kind: ClassVar[str] = "all_of"
    all_of: tuple[ConditionValue, ...] = Field(min_length=1)

    def values(self) -> tuple[ConditionValue, ...]:
        """Return the listed values."""
        return self.all_of


class AndCondition(_Frozen):
    """Visible when every inner condition holds."""

    kind: ClassVar[str] = "and"
    and_: tuple[Condition, ...] = Field(alias="and", min_length=1)

    def leaves(self) -> Iterator[LeafCondition]:
        """Yield every leaf condition inside."""
        for inner in self.and_:
            yield from inner.leaves()


class OrCondition(_Frozen):
    """Visible when at least one inner condition holds."""

    kind: ClassVar[str] = "or"
    or_: tuple[Condition, ...] = Field(alias="or", min_length=1)

    def leaves(self) -> Iterator[LeafCondition]:
        """Yield every leaf condition inside."""
        for inner in self.or_:
            yield from inner.leaves()


_CONDITION_KEYS = ("and", "or", "equals", "any_of", "all_of")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((key for key in _CONDITION_KEYS if key in value), None)
    kind = getattr(value, "kind", None)
    return kind if isinstance(kind, str) else None


Condition = Annotated[
    Annotated[EqualsCondition, Tag("equals")]
    | Annotated[AnyOfCondition, Tag("any_of")]
    | Annotated[AllOfCondition, Tag("all_of")]
    | Annotated[AndCondition, Tag("and")]
    | Annotated[OrCondition, Tag("or")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_kind",
        custom_error_message="a condition needs one of: equals, any_of, all_of, and, or",
    ),
]


class Question(_Frozen):
    """One question; cross-field rules are checked by `definition_checks`."""

    id: Identifier
    type: QuestionType
    text: Prose
    help: Prose | None = None
    required: bool = True
    allow_na: bool = False
    choices: tuple[Choice, ...] | None = None
    document_kinds: tuple[DocumentKind, ...] | None = None
    min: StrictInt | StrictFloat | None = None
    max: StrictInt | StrictFloat | None = None
    show_if: Condition | None = None
    maps_to: MapsToKey | None = None
    source_id: SourceId | None = None

    def choice_values(self) -> tuple[str, ...]:
        """Return the allowed choice values (empty for non-choice questions)."""
        return tuple(choice.value for choice in self.choices or ())


class Section(_Frozen):
    """A titled group of questions."""

    id: Identifier
    title: Prose
    help: Prose | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class QuestionnaireDefinition(_Frozen):
    """One released version of a questionnaire."""

    slug: Slug
    version: int = Field(ge=1, strict=True)
    title: Prose
    description: Prose
    sections: tuple[Section, ...] = Field(min_length=1)

    def questions(self) -> Iterator[Question]:
        """Yield every question in document order."""
        for section in self.sections:
            yield from section.questions

    def question(self, question_id: str) -> Question | None:
        """Return the question with this id, or None."""
        return next((q for q in self.questions() if q.id == question_id), None)


def content_hash(data: bytes) -> str:
    """Return the sha256 hex digest of a definition file's exact bytes."""
    return hashlib.sha256(data).hexdigest()


def definition_to_yaml(definition: QuestionnaireDefinition) -> str:
    """Write a definition as YAML text that parses back to an equal definition."""
    data = definition.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_defaults=True
    )
    return dump_yaml(data)
