"""Which one document may pre-answer each section of a questionnaire.

A section is pre-answered from a single document so that facts of two reports are never mixed:
the file uploaded in that section (when it is of the kind the section asks for), else the
newest document of that kind, else (a section about no kind of document in particular) the
vendor's main SOC report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from app.questionnaires.domain.answer_rules import Answers, visible_questions
from app.questionnaires.domain.definition import QuestionnaireDefinition, Section
from app.questionnaires.domain.vocabulary import QuestionType
from app.scoring.domain.inputs import DocumentFacts
from app.scoring.domain.targets import is_kind

# Without a kind to go by, a SOC 2 Type 2 says most; a SOC 3 least.
_MAIN_REPORT_ORDER = ("SOC 2", "SOC 1", "SOC 3")


def _when(doc: DocumentFacts) -> date:
    return doc.period_end or doc.report_date or doc.certificate_expiry or date.min


def _main_report(documents: Sequence[DocumentFacts]) -> DocumentFacts | None:
    reports = [doc for doc in documents if doc.doc_kind == "soc_report" and doc.framework]
    if not reports:
        return None

    def rank(doc: DocumentFacts) -> tuple[int, int, date]:
        framework = _MAIN_REPORT_ORDER.index(doc.framework or "SOC 3")
        return (-framework, int(doc.report_type == "type2"), _when(doc))

    return max(reports, key=rank)


def _uploaded_in(section: Section, answers: Answers, visible: set[str]) -> list[str]:
    refs: list[str] = []
    for question in section.questions:
        if question.type is QuestionType.FILE_UPLOAD and question.id in visible:
            value = answers.get(question.id)
            refs += [str(ref) for ref in value] if isinstance(value, list) else []
    return refs


def _kinds_of(section: Section) -> set[str]:
    return {
        str(kind)
        for question in section.questions
        if question.type is QuestionType.FILE_UPLOAD
        for kind in (question.document_kinds or ())
    }


def section_sources(
    definition: QuestionnaireDefinition,
    answers: Answers,
    documents: Mapping[str, DocumentFacts],
) -> dict[str, str]:
    """Return, per section id, the id of the one document that may pre-answer it."""
    visible = {question.id for question in visible_questions(definition, answers)}
    sources: dict[str, str] = {}
    for section in definition.sections:
        kinds = _kinds_of(section)

        def fits(doc: DocumentFacts, kinds: set[str] = kinds) -> bool:
            return not kinds or any(is_kind(doc, kind) for kind in kinds)

        uploaded = [
            ref
            for ref in _uploaded_in(section, answers, visible)
            if ref in documents and fits(documents[ref])
        ]
        if uploaded:
            sources[section.id] = uploaded[-1]
            continue
        if kinds:
            matching = [doc for doc in documents.values() if fits(doc)]
            chosen = max(matching, key=_when) if matching else None
        else:
            chosen = _main_report(list(documents.values()))
        if chosen is not None:
            sources[section.id] = chosen.document_id
    return sources
