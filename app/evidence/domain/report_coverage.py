"""Which control questions a current, unqualified SOC 2 Type 2 answers (a gap questionnaire).

A question is covered when the report's tests of controls list one of its criteria and no
tested control under any of its criteria has an exception: the vendor is then shown the
report's answer to confirm instead of being asked afresh. An exception on one of its criteria
leaves the question open, and staff see the exception beside it. Only the vendor's newest
current report counts, and only when its opinion is unqualified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.questionnaires.domain.criteria_crosswalk import Crosswalk
from app.reports.domain.tested_criteria import TESTED_CRITERIA
from app.scoring.domain.families import exception_count
from app.scoring.domain.inputs import DocumentFacts, ExceptionItem

CURRENT_REPORT_DAYS = 365


@dataclass(frozen=True)
class CoveredQuestion:
    """A question the report answers: the answer, the criterion tested and its page."""

    question_id: str
    answer: str
    criterion: str
    page: int | None
    document_id: str

    @property
    def note(self) -> str:
        """The sentence the vendor and staff read beside the pre-filled answer."""
        where = f", page {self.page}" if self.page else ""
        return (
            f"Covered by your SOC 2 Type 2 report: tested under {self.criterion}{where}, "
            "no exceptions noted"
        )


@dataclass(frozen=True)
class ReportCoverage:
    """What one report answers, and which questions its exceptions leave open."""

    document_id: str | None = None
    covered: Mapping[str, CoveredQuestion] = field(default_factory=dict)
    open_by_exception: Mapping[str, tuple[ExceptionItem, ...]] = field(default_factory=dict)


def tested_criteria_pages(facts: DocumentFacts) -> dict[str, int | None]:
    """Return the criteria the report's tests of controls list, with their first page."""
    found: dict[str, int | None] = {}
    for item in facts.evidence.get(TESTED_CRITERIA, ()):
        found.setdefault(item.snippet.strip(), item.page)
    return found


def covering_report(
    documents: Mapping[str, DocumentFacts], today: date, *, current_days: int = CURRENT_REPORT_DAYS
) -> DocumentFacts | None:
    """Return the newest current, unqualified SOC 2 Type 2 whose tested criteria were read."""
    fitting = [
        doc
        for doc in documents.values()
        if doc.doc_kind == "soc_report"
        and doc.framework == "SOC 2"
        and doc.report_type == "type2"
        and doc.opinion == "unqualified"
        and doc.period_end is not None
        and 0 <= (today - doc.period_end).days <= current_days
        and tested_criteria_pages(doc)
    ]
    return max(fitting, key=lambda doc: doc.period_end or date.min) if fitting else None


def _exceptions_by_criterion(facts: DocumentFacts) -> dict[str, list[ExceptionItem]] | None:
    """Group exceptions by criterion; None when some exception's criterion is unknown."""
    count = exception_count(facts) or 0
    if count > len(facts.exceptions) or any(not item.criteria for item in facts.exceptions):
        return None
    grouped: dict[str, list[ExceptionItem]] = {}
    for item in facts.exceptions:
        for criterion in item.criteria:
            grouped.setdefault(criterion, []).append(item)
    return grouped


def report_coverage(
    crosswalk: Crosswalk, documents: Mapping[str, DocumentFacts], today: date
) -> ReportCoverage:
    """Return the questions of a crosswalk that the vendor's covering report answers."""
    report = covering_report(documents, today) if crosswalk.questions else None
    if report is None:
        return ReportCoverage()
    tested = tested_criteria_pages(report)
    exceptions = _exceptions_by_criterion(report)
    if exceptions is None:
        # Exceptions counted but not placed under criteria: no question can be vouched for.
        return ReportCoverage(report.document_id)
    covered: dict[str, CoveredQuestion] = {}
    left_open: dict[str, tuple[ExceptionItem, ...]] = {}
    for question_id, entry in crosswalk.questions.items():
        failed = tuple(item for c in entry.criteria for item in exceptions.get(c, ()))
        if failed:
            left_open[question_id] = tuple(dict.fromkeys(failed))
            continue
        criterion = next((c for c in entry.criteria if c in tested), None)
        if criterion is not None:
            covered[question_id] = CoveredQuestion(
                question_id, entry.answer, criterion, tested[criterion], report.document_id
            )
    return ReportCoverage(report.document_id, covered, left_open)
