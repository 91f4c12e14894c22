"""Which document an answer must be compared with.

An answer given beside an upload is compared with that upload. Any other answer is compared
with a document of the kind its questionnaire section asks about (a SOC 2 question is never
checked against a SOC 3), and only when nothing says which kind, with the best report on file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.reports.domain.kinds import DOCUMENT_KIND_WORDS
from app.scoring.domain.inputs import Answers, DocumentFacts

# Questionnaire document kinds, as facts say them: (doc_kind, framework).
KIND_FACTS: dict[str, tuple[str, str | None]] = {
    "soc1_report": ("soc_report", "SOC 1"),
    "soc2_report": ("soc_report", "SOC 2"),
    "soc3_report": ("soc_report", "SOC 3"),
    "bridge_letter": ("bridge_letter", None),
    "iso27001_certificate": ("iso_certificate", None),
    "iso42001_certificate": ("iso_certificate", None),
}
# ISO certificate kinds, by the standard they are issued against.
_ISO_STANDARDS: dict[str, str] = {"iso27001_certificate": "27001", "iso42001_certificate": "42001"}
# Claims whose subject is fixed whatever section asks them.
_FIXED_KINDS: dict[str, tuple[str, ...]] = {
    "holds_current_soc2_type2": ("soc2_report",),
    "bridge_through": ("bridge_letter",),
    "has_bridge_letter": ("bridge_letter",),
    "certificate_expiry": ("iso27001_certificate",),
    "iso27001_certified": ("iso27001_certificate",),
    "iso42001_certified": ("iso42001_certificate",),
    "ai_in_soc2_scope": ("soc2_report",),
}
_FRAMEWORK_KINDS = {"SOC 1": "soc1_report", "SOC 2": "soc2_report", "SOC 3": "soc3_report"}


@dataclass(frozen=True)
class Target:
    """The document a claim is checked against, or why there is none."""

    document: DocumentFacts | None
    why_not: str = ""
    is_upload: bool = False


def is_kind(doc: DocumentFacts, kind: str) -> bool:
    """Tell whether a document is of a questionnaire document kind."""
    doc_kind, framework = KIND_FACTS.get(kind, ("", None))
    if kind in _ISO_STANDARDS:
        return doc.iso_standard == _ISO_STANDARDS[kind]
    return doc.doc_kind == doc_kind and (framework is None or doc.framework == framework)


def kinds_for(key: str, answers: Answers) -> tuple[str, ...]:
    """Return the document kinds a claim is about."""
    if key in _FIXED_KINDS:
        return _FIXED_KINDS[key]
    target = answers.targets.get(key)
    if target is not None and target.kinds:
        return target.kinds
    if answers.framework in _FRAMEWORK_KINDS and key != "framework":
        return (_FRAMEWORK_KINDS[answers.framework],)
    return ()


def _newest(documents: Sequence[DocumentFacts]) -> DocumentFacts:
    def when(doc: DocumentFacts) -> date:
        return doc.period_end or doc.report_date or doc.certificate_expiry or date.min

    return max(documents, key=when)


def describe_kinds(kinds: Sequence[str]) -> str:
    """Name document kinds in words ("SOC 2 report or SOC 3 report")."""
    return " or ".join(DOCUMENT_KIND_WORDS.get(kind, kind) for kind in kinds)


def target_for(
    key: str, answers: Answers, documents: tuple[DocumentFacts, ...], best: DocumentFacts | None
) -> Target:
    """Return the document to check one claim against (the vendor's own documents only)."""
    target = answers.targets.get(key)
    if target is not None and target.documents:
        uploaded = [doc for doc in documents if doc.document_id in target.documents]
        if uploaded:
            return Target(_newest(uploaded), is_upload=True)
        return Target(None, "the file uploaded with this answer is not the vendor's or not read")
    kinds = kinds_for(key, answers)
    if not kinds:
        return Target(best, "" if best else "no report on file")
    candidates = [doc for doc in documents if any(is_kind(doc, kind) for kind in kinds)]
    if not candidates:
        return Target(None, f"no {describe_kinds(kinds)} on file")
    if best is not None and best in candidates:
        return Target(best)
    return Target(_newest(candidates))
