"""Frozen result models: the facts read from one assurance document, with evidence."""

from __future__ import annotations

import json
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

DocKind = Literal["soc_report", "bridge_letter", "iso_certificate", "other"]
Framework = Literal["SOC 1", "SOC 2", "SOC 3"]
ReportType = Literal["type1", "type2"]
Opinion = Literal["unqualified", "qualified", "adverse", "disclaimer"]
SubserviceMethod = Literal["carve-out", "inclusive"]

# Every labelled fact except the document kind: a reviewer can correct each of them.
CorrectableField = Literal[
    "framework",
    "report_type",
    "service_organization",
    "service_auditor",
    "period_start",
    "period_end",
    "report_date",
    "opinion",
    "trust_services_criteria",
    "exceptions_count",
    "subservice_organizations",
    "subservice_method",
    "cuecs",
    "bridge_through",
    "certificate_expiry",
]
CORRECTABLE_FIELDS: tuple[str, ...] = get_args(CorrectableField)
# The sixteen labelled fields, in the order of the corpus label schema.
FIELD_NAMES: tuple[str, ...] = ("doc_kind", *CORRECTABLE_FIELDS)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Evidence(_Frozen):
    """Where a fact was read: 1-based page number and a short quote."""

    page: int
    snippet: str
    # Read by OCR from a scanned page: a reviewer should check it against the image.
    ocr: bool = False


class ExtractionWarning(_Frozen):
    """Something a reviewer should know about the reading (code plus sentence)."""

    code: str
    message: str


class ControlException(_Frozen):
    """One tested control whose result reports an exception or deviation."""

    control_id: str | None
    criteria: tuple[str, ...]
    result: str
    page: int
    # What management said about it in "Other Information" (Section 5), when it says so.
    management_response: str | None = None


class SubserviceOrganization(_Frozen):
    """One subservice organisation: what it does for the service organisation and whether
    the report carves its controls out or includes them, with where the report says so."""

    name: str
    services: str | None = None
    method: SubserviceMethod | None = None
    # True when the report states the method for this organisation itself; otherwise the
    # method is the one the report states for its subservice organisations in general.
    method_stated: bool = False
    evidence: tuple[Evidence, ...] = ()


class SectionSpan(_Frozen):
    """A report section found by its heading (pages are 1-based and inclusive)."""

    kind: str
    title: str
    page_start: int
    page_end: int


class CertificateFacts(_Frozen):
    """What a management-system certificate states beyond the labelled fields."""

    standard: str | None = None
    certificate_number: str | None = None
    certification_body: str | None = None
    accreditation_body: str | None = None
    scope: str | None = None
    issued: str | None = None


class ExtractionResult(_Frozen):
    """Every fact read from one document, with per-field confidence and evidence."""

    doc_kind: DocKind = "other"
    framework: Framework | None = None
    report_type: ReportType | None = None
    service_organization: str | None = None
    service_auditor: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    report_date: str | None = None
    opinion: Opinion | None = None
    trust_services_criteria: tuple[str, ...] = ()
    exceptions_count: int | None = None
    subservice_organizations: tuple[str, ...] = ()
    subservice_method: SubserviceMethod | None = None
    cuecs: bool = False
    bridge_through: str | None = None
    certificate_expiry: str | None = None
    exceptions: tuple[ControlException, ...] = ()
    # Each of `subservice_organizations` with its services and method (an addition to them).
    subservices: tuple[SubserviceOrganization, ...] = ()
    cuec_list: tuple[str, ...] = ()
    warnings: tuple[ExtractionWarning, ...] = ()
    evidence: dict[str, tuple[Evidence, ...]] = {}
    confidence: dict[str, float] = {}
    page_count: int = 0
    sections: tuple[SectionSpan, ...] = ()
    # For a certificate: the standard and edition certified ("ISO/IEC 27001:2022"), which
    # scoring reads; the other certificate facts are in `certificate`.
    standard: str | None = None
    certificate: CertificateFacts | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the result as plain JSON-ready data (lists, strings, numbers)."""
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the result as one JSON object."""
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False)

    def warning_codes(self) -> tuple[str, ...]:
        """Return the codes of all warnings, in order."""
        return tuple(warning.code for warning in self.warnings)


# Facts read only from OCR text are less certain than the same facts in a text layer.
_OCR_CONFIDENCE_FACTOR = 0.8


def mark_ocr_evidence(result: ExtractionResult, ocr_pages: tuple[int, ...]) -> ExtractionResult:
    """Mark evidence quoted from OCR-read pages, and lower the confidence of facts read
    only there."""
    if not ocr_pages:
        return result
    scanned = set(ocr_pages)
    evidence: dict[str, tuple[Evidence, ...]] = {}
    confidence = dict(result.confidence)
    for field, quotes in result.evidence.items():
        marked = _marked(quotes, scanned)
        evidence[field] = marked
        if marked and all(quote.ocr for quote in marked) and field in confidence:
            confidence[field] = round(confidence[field] * _OCR_CONFIDENCE_FACTOR, 2)
    subservices = tuple(
        item.model_copy(update={"evidence": _marked(item.evidence, scanned)})
        for item in result.subservices
    )
    return result.model_copy(
        update={"evidence": evidence, "confidence": confidence, "subservices": subservices}
    )


def _marked(quotes: tuple[Evidence, ...], scanned: set[int]) -> tuple[Evidence, ...]:
    return tuple(
        quote.model_copy(update={"ocr": True}) if quote.page in scanned else quote
        for quote in quotes
    )
