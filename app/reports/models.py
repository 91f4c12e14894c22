"""Uploaded documents and the facts read from them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, enum_type, utcnow
from app.reports.domain.kinds import UPLOAD_CHANNEL_WORDS, UPLOADED_KIND_LABELS
from app.reports.domain.upload_policy import describe_flags


class DocumentKind(StrEnum):
    soc1_report = "soc1_report"
    soc2_report = "soc2_report"
    soc3_report = "soc3_report"
    bridge_letter = "bridge_letter"
    iso27001_certificate = "iso27001_certificate"
    iso42001_certificate = "iso42001_certificate"
    other = "other"

    @property
    def label(self) -> str:
        """The kind in words, as pages show it ("SOC 2 report")."""
        return UPLOADED_KIND_LABELS[self.value]


class DocumentIdentity(StrEnum):
    """What a document about another organisation turned out to be, once someone said so."""

    alias_proposed = "alias_proposed"  # the vendor says it is its own under another name
    subservice = "subservice"  # a subservice organisation's own report, filed for the vendor


class UploadChannel(StrEnum):
    portal = "portal"
    staff = "staff"
    api = "api"

    @property
    def words(self) -> str:
        """Say who uploaded, as after "by" ("the vendor, through the questionnaire")."""
        return UPLOAD_CHANNEL_WORDS[self.value]


class ExtractionStatus(StrEnum):
    pending = "pending"
    done = "done"
    failed = "failed"


class Document(SQLModel, table=True):
    """A file a vendor or staff member uploaded; the bytes live in storage under ``storage_key``."""

    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    request_id: int | None = Field(
        default=None, foreign_key="questionnaire_request.id", index=True, ondelete="SET NULL"
    )
    kind: DocumentKind = Field(default=DocumentKind.other, sa_type=enum_type(DocumentKind, 32))
    filename: str = Field(sa_type=sa.String(255))
    content_type: str = Field(sa_type=sa.String(100))
    size_bytes: int
    sha256: str = Field(sa_type=sa.String(64), index=True)
    storage_key: str = Field(sa_type=sa.String(255))
    uploaded_by_id: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
    uploaded_via: UploadChannel = Field(sa_type=enum_type(UploadChannel, 16))
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    extraction_status: ExtractionStatus = Field(
        default=ExtractionStatus.pending, sa_type=enum_type(ExtractionStatus, 16)
    )
    extraction_error: str | None = Field(default=None, sa_type=sa.Text)
    vendor_feedback: str | None = Field(default=None, sa_type=sa.Text)
    identity: DocumentIdentity | None = Field(
        default=None, sa_type=enum_type(DocumentIdentity, 16), nullable=True
    )
    # Provenance of a report published in the vendor's trust center: where it is, the terms
    # the vendor says apply to downloading it, and the day it was obtained. Never fetched.
    source_url: str | None = Field(default=None, sa_type=sa.String(2000), nullable=True)
    source_terms: str | None = Field(default=None, sa_type=sa.String(32), nullable=True)
    source_obtained_on: date | None = Field(default=None, nullable=True)
    # What the upload policy found: active content kept but never rendered (see
    # reports/domain/upload_policy.py), or the malware signature of a quarantined file.
    active_content: list[str] = Field(default_factory=list, sa_type=JSONType)
    malware_signature: str | None = Field(default=None, sa_type=sa.String(200))

    @property
    def is_quarantined(self) -> bool:
        return self.malware_signature is not None

    @property
    def active_content_described(self) -> str:
        """The active-content flags in words, for staff."""
        return describe_flags(self.active_content)


class ReportFacts(SQLModel, table=True):
    """Facts read from one document, with evidence, confidence and staff corrections."""

    __tablename__ = "report_facts"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", unique=True, ondelete="CASCADE")
    doc_kind: str = Field(sa_type=sa.String(32))
    framework: str | None = Field(default=None, sa_type=sa.String(16))
    report_type: str | None = Field(default=None, sa_type=sa.String(16))
    service_organization: str | None = Field(default=None, sa_type=sa.String(300))
    service_auditor: str | None = Field(default=None, sa_type=sa.String(300))
    period_start: date | None = None
    period_end: date | None = None
    report_date: date | None = None
    opinion: str | None = Field(default=None, sa_type=sa.String(16))
    trust_services_criteria: list[str] = Field(default_factory=list, sa_type=JSONType)
    exceptions_count: int | None = None
    subservice_organizations: list[str] = Field(default_factory=list, sa_type=JSONType)
    subservice_method: str | None = Field(default=None, sa_type=sa.String(16))
    cuecs: bool = False
    bridge_through: date | None = None
    certificate_expiry: date | None = None
    # A certificate's standard and edition ("ISO/IEC 27001:2022"); scoring applies its policy.
    standard: str | None = Field(default=None, sa_type=sa.String(64))
    # What else a certificate states: its number, scope, the body that issued it, the body
    # that accredits that body when printed, and the day it was issued.
    certificate_number: str | None = Field(default=None, sa_type=sa.String(120))
    certificate_scope: str | None = Field(default=None, sa_type=sa.Text)
    certification_body: str | None = Field(default=None, sa_type=sa.String(300))
    accreditation_body: str | None = Field(default=None, sa_type=sa.String(120))
    certificate_issued: date | None = None
    # Each subservice organisation with its services, method and page evidence.
    subservices: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    exceptions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    cuec_list: list[str] = Field(default_factory=list, sa_type=JSONType)
    warnings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    evidence: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    confidence: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    corrections: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    extractor_version: str = Field(default="", sa_type=sa.String(32))
    extracted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
