"""View models for the staff questionnaire-library pages: versions, vendor-view preview, findings.

Everything here is built from already-loaded definitions and lint results; no file or database
access. A preview shows every question, including conditional ones, each with its condition
described in words and the wording findings on its texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.questionnaires.domain.definition import (
    AllOfCondition,
    AndCondition,
    AnyOfCondition,
    Condition,
    LeafCondition,
    OrCondition,
    Question,
    QuestionnaireDefinition,
)
from app.questionnaires.domain.lint import Finding, LocatedFinding, Severity, lint_definition
from app.questionnaires.domain.vocabulary import NOT_APPLICABLE, TRUST_CENTER_TERMS, QuestionType
from app.questionnaires.errors import DefinitionProblem, RowProblem

_FIELD_NAMES = {"text": "question", "help": "help text", "label": "choice label"}
_FIELD_NAMES |= {"title": "title", "description": "description"}
_YES_NO_LABELS = {"yes": "Yes", "no": "No"}


@dataclass(frozen=True)
class FindingView:
    """One wording finding as a page shows it, with the field it was found in."""

    rule: str
    severity: Severity
    message: str
    suggestion: str
    field: str = ""
    question_id: str | None = None

    @classmethod
    def of(cls, finding: Finding) -> FindingView:
        """Wrap a finding on free text (no field)."""
        return cls(finding.rule, finding.severity, finding.message, finding.suggestion)

    @classmethod
    def located(cls, located: LocatedFinding) -> FindingView:
        """Wrap a finding on a definition field, naming the field in words."""
        last = next((part for part in reversed(located.path) if isinstance(part, str)), "")
        finding = located.finding
        return cls(
            finding.rule,
            finding.severity,
            finding.message,
            finding.suggestion,
            # Outside questions the data path is the clearest name (sections[1].help).
            _FIELD_NAMES.get(last, located.path_text)
            if located.question_id is not None or len(located.path) == 1
            else located.path_text,
            located.question_id,
        )


@dataclass(frozen=True)
class LintSummary:
    """How many findings of each severity a text or definition has."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, findings: Sequence[FindingView]) -> LintSummary:
        """Count findings by severity."""
        severities = [finding.severity for finding in findings]
        return cls(
            severities.count(Severity.ERROR),
            severities.count(Severity.WARNING),
            severities.count(Severity.INFO),
        )

    @property
    def is_clean(self) -> bool:
        """Tell whether there is no finding at all."""
        return self.errors == self.warnings == self.infos == 0

    @property
    def label(self) -> str:
        """Return '2 errors, 1 warning' (or 'clean')."""
        parts = [
            f"{count} {name}{'' if count == 1 else 's'}"
            for count, name in ((self.errors, "error"), (self.warnings, "warning"))
            if count
        ]
        if self.infos:
            parts.append(f"{self.infos} note{'' if self.infos == 1 else 's'}")
        return ", ".join(parts) or "clean"


@dataclass(frozen=True)
class VersionRow:
    """One definition file in the library list; `problems` is set when it does not validate."""

    slug: str
    version: int
    title: str
    question_count: int = 0
    content_hash: str = ""
    lint: LintSummary = field(default_factory=LintSummary)
    problems: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        """Tell whether the file loaded and validated."""
        return not self.problems


def version_row(definition: QuestionnaireDefinition, content_hash: str) -> VersionRow:
    """Summarise one definition (and the hash of its file) for the library list."""
    findings = [FindingView.located(item) for item in lint_definition(definition)]
    return _row(definition, content_hash, findings)


def _row(
    definition: QuestionnaireDefinition, content_hash: str, findings: Sequence[FindingView]
) -> VersionRow:
    return VersionRow(
        slug=definition.slug,
        version=definition.version,
        title=definition.title,
        question_count=sum(1 for _ in definition.questions()),
        content_hash=content_hash,
        lint=LintSummary.of(findings),
    )


def invalid_row(slug: str, version: int, problems: Sequence[DefinitionProblem]) -> VersionRow:
    """Describe a definition file that does not validate."""
    return VersionRow(
        slug=slug,
        version=version,
        title="(does not validate)",
        problems=tuple(f"{p.path}: {p.message}" if p.path else p.message for p in problems),
    )


@dataclass(frozen=True)
class PreviewQuestion:
    """A question as `portal/_question.html` renders it read-only, plus condition and findings.

    The answer fields mirror the portal's view model so the vendor-facing macro renders it
    unchanged; a preview has no answers and shows conditional questions too.
    """

    question: Question
    condition: str | None
    findings: tuple[FindingView, ...]
    value: None = None
    version: int = 0
    is_visible: bool = True
    is_answered: bool = False
    documents: tuple[()] = ()
    selected: tuple[str, ...] = ()
    is_not_applicable: bool = False

    @property
    def trust_center_terms(self) -> dict[str, str]:
        """Return the terms a trust-center answer may state, as the portal lists them."""
        return TRUST_CENTER_TERMS


@dataclass(frozen=True)
class PreviewSection:
    """A section of the preview."""

    id: str
    title: str
    help: str | None
    questions: tuple[PreviewQuestion, ...]


@dataclass(frozen=True)
class Preview:
    """A definition version as vendors see it, with every wording finding."""

    row: VersionRow
    definition: QuestionnaireDefinition
    sections: tuple[PreviewSection, ...]
    general_findings: tuple[FindingView, ...]


def build_preview(definition: QuestionnaireDefinition, content_hash: str) -> Preview:
    """Build the preview of a definition: sections, conditions in words, findings per question."""
    findings = [FindingView.located(item) for item in lint_definition(definition)]
    by_question: dict[str, list[FindingView]] = {}
    for finding in findings:
        if finding.question_id is not None:
            by_question.setdefault(finding.question_id, []).append(finding)
    sections = tuple(
        PreviewSection(
            section.id,
            section.title,
            section.help,
            tuple(
                PreviewQuestion(
                    question,
                    describe_condition(question.show_if, definition) if question.show_if else None,
                    tuple(by_question.get(question.id, ())),
                )
                for question in section.questions
            ),
        )
        for section in definition.sections
    )
    general = tuple(finding for finding in findings if finding.question_id is None)
    return Preview(_row(definition, content_hash, findings), definition, sections, general)


def describe_condition(condition: Condition, definition: QuestionnaireDefinition) -> str:
    """Describe in words when a conditional question is shown, quoting the earlier question."""
    if isinstance(condition, AndCondition):
        return " and ".join(_inner(inner, definition) for inner in condition.and_)
    if isinstance(condition, OrCondition):
        return " or ".join(_inner(inner, definition) for inner in condition.or_)
    return _describe_leaf(condition, definition)


def _inner(condition: Condition, definition: QuestionnaireDefinition) -> str:
    text = describe_condition(condition, definition)
    return f"({text})" if isinstance(condition, AndCondition | OrCondition) else text


def _describe_leaf(leaf: LeafCondition, definition: QuestionnaireDefinition) -> str:
    target = definition.question(leaf.question)
    name = f"“{target.text}”" if target is not None else leaf.question
    labels = [f"“{_answer_label(target, value)}”" for value in leaf.values()]
    is_multiple = target is not None and target.type is QuestionType.MULTIPLE_CHOICE
    if isinstance(leaf, AllOfCondition):
        return f"the answer to {name} includes {_join(labels, 'and')}"
    verb = "includes" if is_multiple else "is"
    joiner = "or" if isinstance(leaf, AnyOfCondition) else "and"
    return f"the answer to {name} {verb} {_join(labels, joiner)}"


def _answer_label(question: Question | None, value: object) -> str:
    if value == NOT_APPLICABLE:
        return "Not applicable"
    if question is not None and question.type is QuestionType.YES_NO:
        return _YES_NO_LABELS.get(str(value), str(value))
    choices = {choice.value: choice.label for choice in question.choices or ()} if question else {}
    return choices.get(str(value), str(value))


def _join(items: Sequence[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


@dataclass(frozen=True)
class ImportProblem:
    """A reason an upload was not written; `row` is the spreadsheet row when known."""

    row: int | None
    column: str
    message: str

    @classmethod
    def from_row(cls, problem: RowProblem) -> ImportProblem:
        """Wrap a spreadsheet row problem."""
        return cls(problem.row, problem.column, problem.message)


@dataclass(frozen=True)
class ImportReport:
    """What an import upload produced: row problems, or the lint report of the new version."""

    slug: str
    version: int | None = None
    problems: tuple[ImportProblem, ...] = ()
    preview: Preview | None = None
    written_to: str | None = None
    recognised: tuple[str, int] | None = None
    """The layout the file was recognised as and how many questions it holds."""
    mapping_help: Any = None
    """For a file in no known layout: its sheets, header texts and first rows (`MappingHelp`)."""

    @property
    def lint(self) -> LintSummary:
        """Count the findings of the imported definition."""
        if self.preview is None:
            return LintSummary()
        return self.preview.row.lint
