"""One document as the review page shows it: its summary line and the facts its kind carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.versions import fingerprint
from app.reports import service as reports_service
from app.reports.models import Document, DocumentIdentity, ReportFacts
from app.reports.provenance import Provenance, provenance_of
from app.reviews.domain import evidence, fact_sheet
from app.scoring.domain.identity import names_match
from app.scoring.domain.inputs import VendorProfile


@dataclass(frozen=True)
class FactLine:
    field: str
    label: str
    extracted: str
    corrected: str | None
    correction_reason: str | None
    confidence: float | None
    evidence: tuple[dict[str, Any], ...]
    version: str = ""

    @property
    def is_doubtful(self) -> bool:
        """Tell whether a reviewer should confirm this fact before relying on it."""
        return fact_sheet.is_doubtful(self.confidence, corrected=self.corrected is not None)


@dataclass(frozen=True)
class DocumentView:
    document: Document
    facts: ReportFacts | None
    label: str
    lines: tuple[FactLine, ...]
    summary: fact_sheet.Summary
    # The organisation it is about, when that is not the vendor (nor filed as subservice).
    about_someone_else: str | None = None

    @property
    def source(self) -> Provenance | None:
        """Return where the report came from when it was obtained from a trust center."""
        return provenance_of(self.document)

    @property
    def doubtful(self) -> tuple[FactLine, ...]:
        """The facts of this document read with low confidence that nobody corrected yet."""
        return tuple(line for line in self.lines if line.is_doubtful)


def fact_version(facts: ReportFacts, field_name: str) -> str:
    """The version of one fact as its correction form shows it (hidden form field)."""
    return fingerprint(getattr(facts, field_name, None), facts.corrections.get(field_name))


def merged_facts(facts: ReportFacts) -> dict[str, Any]:
    """Return the facts with reviewer corrections applied over extracted values."""
    effective = reports_service.effective_facts(facts)
    return {**effective, **effective["corrections"]}


def fact_line(facts: ReportFacts, name: str) -> FactLine:
    """Show one fact of a document: what was read, any correction, confidence and evidence."""
    corrected = facts.corrections.get(name)
    return FactLine(
        field=name,
        label=fact_sheet.fact_label(name, facts.doc_kind),
        extracted=evidence.show_value(getattr(facts, name)),
        corrected=evidence.show_value(corrected["value"]) if corrected else None,
        correction_reason=corrected.get("reason") if corrected else None,
        confidence=facts.confidence.get(name),
        evidence=tuple(
            {**item, "excerpt": fact_sheet.quote_excerpt(str(item.get("snippet") or ""))}
            for item in facts.evidence.get(name, ())[:3]
            if isinstance(item, dict)
        ),
        version=fact_version(facts, name),
    )


def document_view(
    document: Document, facts: ReportFacts | None, profile: VendorProfile
) -> DocumentView:
    """Show one document: the facts its kind carries (after corrections) and its summary."""
    uploaded_as = document.kind.value
    if facts is None:
        summary = fact_sheet.Summary(kind=fact_sheet.KIND_LABELS.get(uploaded_as, "Document"))
        return DocumentView(document, None, summary.kind, (), summary)
    merged = merged_facts(facts)
    organisation = merged.get("service_organization")
    stranger = (
        organisation
        if isinstance(organisation, str)
        and document.identity is not DocumentIdentity.subservice
        and not names_match(
            organisation, profile.organization_names, profile.organization_domain or ""
        )
        else None
    )
    framework, report_type = merged.get("framework"), merged.get("report_type")
    fields = fact_sheet.applicable_fields(
        facts.doc_kind,
        framework if isinstance(framework, str) else None,
        report_type if isinstance(report_type, str) else None,
    )
    summary = fact_sheet.summarise_document(facts.doc_kind, merged, uploaded_as=uploaded_as)
    lines = tuple(fact_line(facts, name) for name in fields)
    return DocumentView(document, facts, summary.kind, lines, summary, stranger)
