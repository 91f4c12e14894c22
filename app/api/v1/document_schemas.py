"""Response and request bodies of documents, the facts read from them and corrections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from app.api.schemas import StrictBody
from app.core.rows import id_of
from app.reports.domain.facts import CORRECTABLE_FIELDS, CorrectableField
from app.reports.models import Document, DocumentKind, ExtractionStatus, ReportFacts, UploadChannel


class DocumentOut(BaseModel):
    id: int
    vendor_id: int
    request_id: int | None
    kind: DocumentKind
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_via: UploadChannel
    uploaded_at: datetime
    extraction_status: ExtractionStatus
    extraction_error: str | None
    active_content: list[str] = Field(
        default_factory=list,
        description="Active content found in the file (javascript, launch_action, "
        "embedded_file, trailing_data); the file is kept but never rendered.",
    )
    quarantined: bool = Field(
        default=False, description="The malware scanner matched the file; it cannot be opened."
    )

    @classmethod
    def of(cls, document: Document) -> DocumentOut:
        """Return the API view of a document row (never its storage key)."""
        return cls(
            id=id_of(document),
            vendor_id=document.vendor_id,
            request_id=document.request_id,
            kind=document.kind,
            filename=document.filename,
            content_type=document.content_type,
            size_bytes=document.size_bytes,
            sha256=document.sha256,
            uploaded_via=document.uploaded_via,
            uploaded_at=document.uploaded_at,
            extraction_status=document.extraction_status,
            extraction_error=document.extraction_error,
            active_content=list(document.active_content),
            quarantined=document.is_quarantined,
        )


class UploadOut(BaseModel):
    document: DocumentOut
    is_duplicate: bool = Field(description="The vendor already had this exact file.")


class FactValues(BaseModel):
    """The facts scoring reads from a report."""

    framework: str | None = None
    report_type: str | None = None
    service_organization: str | None = None
    service_auditor: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    report_date: date | None = None
    opinion: str | None = None
    trust_services_criteria: list[str] = Field(default_factory=list)
    exceptions_count: int | None = None
    subservice_organizations: list[str] = Field(default_factory=list)
    subservice_method: str | None = None
    cuecs: bool | None = None
    bridge_through: date | None = None
    certificate_expiry: date | None = None


class CorrectionOut(BaseModel):
    value: Any
    reason: str
    by: str
    at: datetime


class CertificateOut(BaseModel):
    """What a management-system certificate states beyond its expiry."""

    standard: str | None = None
    certificate_number: str | None = None
    scope: str | None = None
    certification_body: str | None = None
    accreditation_body: str | None = Field(
        default=None, description="The body that accredits the certification body (UKAS, ANAB)."
    )
    issued: date | None = None

    @classmethod
    def of(cls, facts: ReportFacts) -> CertificateOut | None:
        if facts.doc_kind != "iso_certificate":
            return None
        return cls(
            standard=facts.standard,
            certificate_number=facts.certificate_number,
            scope=facts.certificate_scope,
            certification_body=facts.certification_body,
            accreditation_body=facts.accreditation_body,
            issued=facts.certificate_issued,
        )


class FactsOut(BaseModel):
    document_id: int
    doc_kind: str
    extracted: FactValues = Field(description="What was read from the document.")
    corrections: dict[str, CorrectionOut] = Field(description="Staff corrections, by fact.")
    effective: FactValues = Field(description="What scoring uses: corrections win.")
    exceptions: list[dict[str, Any]] = Field(
        description="Each exception with its control, result, page and management's response."
    )
    subservices: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Each subservice organisation with its services, method and page evidence.",
    )
    certificate: CertificateOut | None = Field(
        default=None, description="For a certificate: its number, scope, bodies and issue date."
    )
    cuec_list: list[str]
    warnings: list[dict[str, Any]]
    evidence: dict[str, Any]
    confidence: dict[str, Any]
    extractor_version: str
    extracted_at: datetime

    @classmethod
    def of(cls, facts: ReportFacts) -> FactsOut:
        """Return the API view of the facts of one document."""
        fields = CORRECTABLE_FIELDS
        extracted = {name: getattr(facts, name) for name in fields}
        corrected = {name: c["value"] for name, c in facts.corrections.items() if name in fields}
        return cls(
            document_id=facts.document_id,
            doc_kind=facts.doc_kind,
            extracted=FactValues.model_validate(extracted),
            corrections={
                name: CorrectionOut.model_validate(c)
                for name, c in facts.corrections.items()
                if name in fields
            },
            effective=FactValues.model_validate({**extracted, **corrected}),
            exceptions=list(facts.exceptions),
            subservices=list(facts.subservices),
            certificate=CertificateOut.of(facts),
            cuec_list=list(facts.cuec_list),
            warnings=list(facts.warnings),
            evidence=dict(facts.evidence),
            confidence=dict(facts.confidence),
            extractor_version=facts.extractor_version,
            extracted_at=facts.extracted_at,
        )


class CorrectionIn(StrictBody):
    """Correct one fact, written as on the review page (dates YYYY-MM-DD, lists comma-separated)."""

    field: CorrectableField
    value: Annotated[str, StringConstraints(max_length=2000)] = ""
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class AcknowledgementOut(BaseModel):
    acknowledged: bool
