"""Which facts a document of each kind carries, what reviewers call them, and how to quote them.

A SOC 3 report has no Type and lists no tested exceptions; a Type 1 report is "as of" a date,
so it has no period start and no tests of operating effectiveness; a certificate has an
issuer, an issue date and an expiry but no opinion; a bridge letter extends a report's period.
Facts outside a document's kind are neither shown nor counted when a reading is doubted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from app.reports.domain.evaluation import INFORMATIVE_FIELDS
from app.reports.domain.kinds import UPLOADED_KIND_LABELS
from app.reviews.domain.rules import current_until

# Below this confidence a fact is marked for a reviewer to confirm.
LOW_CONFIDENCE: Final = 0.7
# Quotes longer than this are shortened on the review page (the evidence page shows it all).
QUOTE_CHARS: Final = 160

FIELD_LABELS: Final[Mapping[str, str]] = {
    "framework": "Framework",
    "report_type": "Type",
    "service_organization": "Service organisation",
    "service_auditor": "Service auditor",
    "period_start": "Period start",
    "period_end": "Period end (or as-of date)",
    "report_date": "Report date",
    "opinion": "Opinion",
    "trust_services_criteria": "Trust services criteria",
    "exceptions_count": "Exceptions",
    "subservice_organizations": "Subservice organisations",
    "subservice_method": "Subservice method",
    "cuecs": "CUECs listed",
    "bridge_through": "Bridge letter covers through",
    "certificate_expiry": "Certificate expires",
}
_CERTIFICATE_LABELS: Final[Mapping[str, str]] = {
    "service_organization": "Certified organisation",
    "service_auditor": "Certification body",
    "report_date": "Issued on",
}
_BRIDGE_LABELS: Final[Mapping[str, str]] = {
    "framework": "Report it extends",
    "period_start": "Report period start",
    "period_end": "Report period end",
    "report_date": "Letter dated",
}
_NOT_ON_SOC3: Final = frozenset({"report_type", "exceptions_count"})
_NOT_ON_TYPE1: Final = frozenset({"period_start", "exceptions_count"})


def applicable_fields(
    doc_kind: str, framework: str | None = None, report_type: str | None = None
) -> tuple[str, ...]:
    """Return the facts a document of this kind carries, in the order reviewers read them."""
    carried = set(INFORMATIVE_FIELDS.get(doc_kind, ()))
    if doc_kind == "soc_report":
        if framework == "SOC 3":
            carried -= _NOT_ON_SOC3
        if framework == "SOC 1":
            carried.discard("trust_services_criteria")
        if report_type == "type1":
            carried -= _NOT_ON_TYPE1
    return tuple(name for name in FIELD_LABELS if name in carried)


def fact_label(field: str, doc_kind: str) -> str:
    """Name one fact the way a reviewer reads it on a document of this kind."""
    if doc_kind == "iso_certificate" and field in _CERTIFICATE_LABELS:
        return _CERTIFICATE_LABELS[field]
    if doc_kind == "bridge_letter" and field in _BRIDGE_LABELS:
        return _BRIDGE_LABELS[field]
    return FIELD_LABELS.get(field, field.replace("_", " "))


def is_doubtful(confidence: float | None, *, corrected: bool) -> bool:
    """Tell whether a reviewer should confirm a fact: read with low confidence, not corrected."""
    return not corrected and confidence is not None and confidence < LOW_CONFIDENCE


def quote_excerpt(quote: str, limit: int = QUOTE_CHARS) -> str:
    """Shorten a quote to at most ``limit`` characters, cutting between words, never inside one.

    A quote that had to be shortened ends with an ellipsis.
    """
    text = " ".join(quote.split())
    # A quote as long as the limit was cut by whoever stored it, perhaps inside a word.
    if len(text) < limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    kept = cut[:space] if space > 0 else text[:limit]
    return kept.rstrip(" ,;:.-") + "…"


# What a document was uploaded as, in words (the reports feature's one table).
KIND_LABELS: Final[Mapping[str, str]] = UPLOADED_KIND_LABELS
_READ_KIND_LABELS: Final[Mapping[str, str]] = {
    "bridge_letter": "Bridge letter",
    "iso_certificate": "Certificate",
    "other": "Other document",
}
NOT_READ: Final = "—"


@dataclass(frozen=True)
class Summary:
    """The facts that matter for a decision, one line per document; None: does not apply."""

    kind: str
    period: str | None = None
    auditor: str | None = None
    opinion: str | None = None
    exceptions: int | str | None = None
    until_label: str = ""
    until: date | None = None

    def has_lapsed(self, today: date) -> bool:
        """Tell whether the document stopped being current before today."""
        return self.until is not None and self.until < today


def kind_label(doc_kind: str, facts: Mapping[str, object], uploaded_as: str) -> str:
    """Name a document's kind from what was read, else from what it was uploaded as."""
    framework, report_type = facts.get("framework"), facts.get("report_type")
    if doc_kind == "soc_report" and isinstance(framework, str):
        types = {"type1": "Type 1", "type2": "Type 2"}
        suffix = types.get(report_type) if isinstance(report_type, str) else None
        return f"{framework} {suffix}" if suffix and framework != "SOC 3" else framework
    if doc_kind == "iso_certificate" and isinstance(facts.get("standard"), str):
        return str(facts["standard"])
    return _READ_KIND_LABELS.get(doc_kind) or KIND_LABELS.get(uploaded_as, "Document")


def as_date(value: object) -> date | None:
    """Read a stored date (a date or an ISO string); anything else is no date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _shown(value: object) -> str:
    if value is None or value == "":
        return NOT_READ
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("_", " ")


def _period(facts: Mapping[str, object]) -> str:
    start, end = as_date(facts.get("period_start")), as_date(facts.get("period_end"))
    if facts.get("report_type") == "type1":
        return f"as of {_shown(end)}"
    if start is None and end is None:
        return NOT_READ
    return f"{_shown(start)} to {_shown(end)}"


def summarise_document(doc_kind: str, facts: Mapping[str, object], *, uploaded_as: str) -> Summary:
    """Pick the few facts a reviewer decides on from everything read from one document."""
    kind = kind_label(doc_kind, facts, uploaded_as)
    fields = applicable_fields(
        doc_kind, _text(facts.get("framework")), _text(facts.get("report_type"))
    )
    if doc_kind == "soc_report":
        end = as_date(facts.get("period_end"))
        count = facts.get("exceptions_count")
        exceptions = (
            (count if isinstance(count, int) else NOT_READ)
            if ("exceptions_count" in fields)
            else None
        )
        return Summary(
            kind=kind,
            period=_period(facts),
            auditor=_shown(facts.get("service_auditor")),
            opinion=_shown(facts.get("opinion")),
            exceptions=exceptions,
            until_label="current until",
            until=current_until(end),
        )
    if doc_kind == "bridge_letter":
        end, through = as_date(facts.get("period_end")), as_date(facts.get("bridge_through"))
        return Summary(
            kind=kind,
            period=f"{_shown(end)} to {_shown(through)}",
            auditor="management (not audited)",
            until_label="covers through",
            until=through,
        )
    if doc_kind == "iso_certificate":
        return Summary(
            kind=kind,
            auditor=_shown(facts.get("service_auditor")),
            until_label="expires",
            until=as_date(facts.get("certificate_expiry")),
        )
    return Summary(kind=kind)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


_DATE_FIELDS: Final = frozenset(
    {"period_start", "period_end", "report_date", "bridge_through", "certificate_expiry"}
)
_CORRECTION_HINTS: Final[Mapping[str, str]] = {
    "framework": "One of: SOC 1, SOC 2, SOC 3.",
    "report_type": "type1 or type2.",
    "opinion": "One of: unqualified, qualified, adverse, disclaimer.",
    "subservice_method": "carve-out or inclusive.",
    "exceptions_count": "A whole number; leave empty if the report does not say.",
    "cuecs": "yes or no.",
    "trust_services_criteria": "Separate them with commas, for example: security, availability.",
    "subservice_organizations": "Separate the names with commas.",
}


def correction_input(field: str) -> tuple[str, str]:
    """Return the input type and the hint of the form that corrects one fact."""
    if field in _DATE_FIELDS:
        return "date", "Leave empty if the document does not state it."
    return "text", _CORRECTION_HINTS.get(field, "Leave empty if the document does not state it.")
