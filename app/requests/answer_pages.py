"""View models of questionnaire pages (portal and staff), built from a definition and answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.questionnaires.domain.answer_rules import AnswerValue, is_unanswered, visible_questions
from app.questionnaires.domain.claim_answers import Prefill
from app.questionnaires.domain.definition import Question, QuestionnaireDefinition
from app.questionnaires.domain.vocabulary import (
    CERTIFICATE_KINDS,
    NOT_APPLICABLE,
    TRUST_CENTER_TERMS,
    QuestionType,
)
from app.reports.models import Document, ReportFacts
from app.requests.models import Answer

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class UploadedDocument:
    document: Document
    summary: str
    problem: str | None
    advice: tuple[str, ...] = ()  # how the file fits the question, in plain words
    is_about_someone_else: bool = False


@dataclass(frozen=True)
class QuestionView:
    question: Question
    value: Any
    version: int
    is_visible: bool
    is_answered: bool
    documents: list[UploadedDocument] = field(default_factory=list)
    source_note: str | None = None  # "From your report …, page N" when a document gave it
    # The answer is still the document's, not yet confirmed or changed by the vendor.
    awaits_confirmation: bool = False

    @property
    def selected(self) -> list[str]:
        """Return the selected values as a list (for checkboxes and radio buttons)."""
        if isinstance(self.value, list):
            return [str(v) for v in self.value]
        return [] if self.value is None else [str(self.value)]

    @property
    def is_not_applicable(self) -> bool:
        return bool(self.value == NOT_APPLICABLE)

    @property
    def takes_images(self) -> bool:
        """Tell whether the question asks for a certificate, which may be a PNG or JPEG."""
        return any(kind in CERTIFICATE_KINDS for kind in self.question.document_kinds or ())

    @property
    def trust_center_terms(self) -> dict[str, str]:
        """Return the terms a trust-center answer may state, value → label."""
        return TRUST_CENTER_TERMS


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    help: str | None
    questions: list[QuestionView]


@dataclass(frozen=True)
class Progress:
    answered: int
    required: int

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else round(100 * self.answered / self.required)


def _day(iso: object) -> str:
    text = str(iso)
    year, month, day = text.split("-")
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


def facts_summary(facts: ReportFacts | None) -> str:
    """Describe what was read in one line ('SOC 2 Type 2, 1 Jan 2025 – 31 Dec 2025, …')."""
    if facts is None:
        return "Not read yet"
    codes = {str(warning.get("code")) for warning in facts.warnings}
    scans = (
        " (scanned pages read by OCR)"
        if "OCR_USED" in codes
        else " (scanned pages not read)"
        if codes & {"SCANNED_PAGES_UNREAD", "NEEDS_OCR"}
        else ""
    )
    return _summary(facts) + scans


def _summary(facts: ReportFacts) -> str:
    if facts.doc_kind == "bridge_letter":
        through = f" through {_day(facts.bridge_through)}" if facts.bridge_through else ""
        return f"Bridge letter{through}"
    if facts.doc_kind == "iso_certificate":
        until = (
            f", valid until {_day(facts.certificate_expiry)}" if facts.certificate_expiry else ""
        )
        return f"{facts.standard or 'ISO/IEC 27001'} certificate{until}"
    if facts.doc_kind != "soc_report":
        return "Not recognised as a SOC report, bridge letter or ISO certificate"
    parts = [facts.framework or "SOC report"]
    if facts.report_type:
        parts[0] += " Type 1" if facts.report_type == "type1" else " Type 2"
    if facts.period_start and facts.period_end:
        parts.append(f"{_day(facts.period_start)} – {_day(facts.period_end)}")
    elif facts.period_end:
        parts.append(f"as of {_day(facts.period_end)}")
    if facts.exceptions_count is not None:
        count = facts.exceptions_count
        parts.append(
            "no exceptions" if count == 0 else f"{count} exception{'s' if count != 1 else ''}"
        )
    return ", ".join(parts)


@dataclass(frozen=True)
class UploadAdvice:
    """What to tell the vendor about one file uploaded for one question."""

    messages: tuple[str, ...]
    is_about_someone_else: bool


def _documents_for(
    question_id: str,
    value: Any,
    documents: dict[str, tuple[Document, ReportFacts | None]],
    advice: Mapping[tuple[str, str], UploadAdvice],
) -> list[UploadedDocument]:
    refs = value if isinstance(value, list) else ([value] if isinstance(value, str) else [])
    found = []
    for ref in refs:
        if ref in documents:
            document, facts = documents[ref]
            told = advice.get((question_id, ref), UploadAdvice((), False))
            found.append(
                UploadedDocument(
                    document,
                    facts_summary(facts),
                    document.extraction_error,
                    told.messages,
                    told.is_about_someone_else,
                )
            )
    return found


def _question_documents(
    question: Question,
    value: Any,
    documents: dict[str, tuple[Document, ReportFacts | None]],
    advice: Mapping[tuple[str, str], UploadAdvice],
) -> list[UploadedDocument]:
    if question.type is QuestionType.FILE_UPLOAD:
        return _documents_for(question.id, value, documents, advice)
    if question.type is QuestionType.TRUST_CENTER and isinstance(value, list) and value:
        # The file attached for a trust-center answer carries that address as its source.
        refs = [ref for ref, (doc, _) in documents.items() if doc.source_url == value[0]]
        return _documents_for(question.id, refs, documents, advice)
    return []


def _source_note(
    question_id: str,
    value: Any,
    prefills: Mapping[str, Prefill],
    documents: dict[str, tuple[Document, ReportFacts | None]],
) -> str | None:
    found = prefills.get(question_id)
    if found is None or found.value != value or found.document_id not in documents:
        return None
    if found.reference:
        return f"From your {found.reference}. Please check it; change it if it is wrong."
    name = documents[found.document_id][0].filename
    if found.note:
        return f"{found.note} ({name}). Please confirm it, or change it if it is wrong."
    where = f", page {found.page}" if found.page else ""
    return f"From your report {name}{where}. Please check it; change it if it is wrong."


def build_sections(
    definition: QuestionnaireDefinition,
    answers: dict[str, Answer],
    documents: dict[str, tuple[Document, ReportFacts | None]],
    prefills: Mapping[str, Prefill] | None = None,
    advice: Mapping[tuple[str, str], UploadAdvice] | None = None,
) -> list[SectionView]:
    """Return every section with every question, marking which are currently visible.

    ``advice`` holds, per (question id, document id), what the vendor should know about a file.
    """
    values: dict[str, AnswerValue] = {qid: row.value for qid, row in answers.items()}
    visible = {q.id for q in visible_questions(definition, values)}
    return [
        SectionView(
            section.id,
            section.title,
            section.help,
            [
                _view(question, answers, visible, documents, prefills or {}, advice or {})
                for question in section.questions
            ],
        )
        for section in definition.sections
    ]


def question_views(
    definition: QuestionnaireDefinition,
    answers: dict[str, Answer],
    visible: set[str],
    wanted: set[str],
    documents: dict[str, tuple[Document, ReportFacts | None]],
) -> list[QuestionView]:
    """Return the views of the ``wanted`` questions in page order, as ``build_sections`` would
    (``visible``: the ids of the visible questions, already computed by the caller)."""
    return [
        _view(question, answers, visible, documents, {}, {})
        for question in definition.questions()
        if question.id in wanted
    ]


def _view(
    question: Question,
    answers: dict[str, Answer],
    visible: set[str],
    documents: dict[str, tuple[Document, ReportFacts | None]],
    prefills: Mapping[str, Prefill],
    advice: Mapping[tuple[str, str], UploadAdvice],
) -> QuestionView:
    row = answers.get(question.id)
    value = row.value if row else None
    note = _source_note(question.id, value, prefills, documents)
    return QuestionView(
        question,
        value,
        row.row_version if row else 0,
        question.id in visible,
        not is_unanswered(value),
        _question_documents(question, value, documents, advice),
        note,
        bool(note and row and row.source_document_id is not None),
    )


def visible_progress(visible: tuple[Question, ...], values: Mapping[str, AnswerValue]) -> Progress:
    """Count answered required questions among the visible ones, as ``progress`` does."""
    required = [question for question in visible if question.required]
    answered = sum(1 for question in required if not is_unanswered(values.get(question.id)))
    return Progress(answered, len(required))


def progress(sections: list[SectionView]) -> Progress:
    """Count answered visible required questions."""
    required = [q for s in sections for q in s.questions if q.is_visible and q.question.required]
    return Progress(sum(1 for q in required if q.is_answered), len(required))
