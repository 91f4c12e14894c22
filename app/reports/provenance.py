"""Where a document came from when it was published in the vendor's trust center.

A vendor may say "our report is in our trust center" instead of uploading it: it gives the
address and the terms that apply (an NDA, a click-through). Whoever then attaches the PDF
(the vendor through the portal, or staff) records that address and the day it was obtained,
so a reviewer can tell where the report came from. Nothing is fetched from the internet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.rows import id_of
from app.questionnaires.domain.answer_rules import is_web_address
from app.questionnaires.domain.vocabulary import TRUST_CENTER_TERMS
from app.reports.models import Document


@dataclass(frozen=True)
class Provenance:
    """A trust-center address, the terms that apply to it and the day the file was obtained."""

    url: str
    terms: str
    obtained_on: date

    @property
    def terms_label(self) -> str:
        """Return the terms in words ("A non-disclosure agreement must be signed")."""
        return TRUST_CENTER_TERMS.get(self.terms, self.terms)


class TrustCenterSource(BaseModel):
    """What staff typed, beside an upload, about the trust center the file came from.

    All blank means the file did not come from a trust center. Validate with the context
    ``{"today": date}`` so that a day after today is refused.
    """

    model_config = ConfigDict(str_strip_whitespace=True)

    source_url: str = Field(default="", max_length=2000)
    source_terms: str = Field(default="", max_length=32, validate_default=True)
    source_obtained_on: date | None = None

    @field_validator("source_url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        if url and not is_web_address(url):
            raise ValueError("Enter the trust center address as a web address starting https://")
        return url

    @field_validator("source_terms")
    @classmethod
    def _listed_terms(cls, terms: str, info: ValidationInfo) -> str:
        if info.data.get("source_url") and terms not in TRUST_CENTER_TERMS:
            raise ValueError("Choose the terms that apply to downloading the report")
        return terms

    @field_validator("source_obtained_on")
    @classmethod
    def _not_after_today(cls, day: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today")
        # Without an address the date is not kept, so it is not held against the upload.
        given = info.data.get("source_url")
        if given and day is not None and isinstance(today, date) and day > today:
            raise ValueError("The report cannot have been obtained after today")
        return day

    def provenance(self, *, today: date) -> Provenance | None:
        """Return the provenance to keep, or None when no address was given (blank date: today)."""
        if not self.source_url:
            return None
        return Provenance(self.source_url, self.source_terms, self.source_obtained_on or today)


def provenance_of(document: Document) -> Provenance | None:
    """Return where a document came from, or None when it was simply uploaded."""
    if not document.source_url or document.source_obtained_on is None:
        return None
    return Provenance(document.source_url, document.source_terms or "", document.source_obtained_on)


def record_provenance(
    session: Session, *, document: Document, provenance: Provenance, actor: str
) -> None:
    """Keep a document's trust-center address, terms and date; the first record stays."""
    if provenance_of(document) is not None:
        return
    document.source_url = provenance.url
    document.source_terms = provenance.terms
    document.source_obtained_on = provenance.obtained_on
    session.add(document)
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.document_source_recorded,
        subject_type="document",
        subject_id=id_of(document),
        data={
            "vendor_id": document.vendor_id,
            "url": provenance.url,
            "terms": provenance.terms,
            "obtained_on": provenance.obtained_on.isoformat(),
        },
    )
    session.flush()
