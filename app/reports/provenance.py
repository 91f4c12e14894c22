"""Where a document came from when it was published in the vendor's trust center.

A vendor may say "our report is in our trust center" instead of uploading it: it gives the
address and the terms that apply (an NDA, a click-through). Whoever then attaches the PDF
(the vendor through the portal, or staff) records that address and the day it was obtained,
so a reviewer can tell where the report came from. Nothing is fetched from the internet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.errors import InvalidInput
from app.core.forms import DATE_HINT
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


def check_trust_center(url: str, terms: str) -> None:
    """Refuse an address that is not a web address, or terms outside the fixed list."""
    if not is_web_address(url):
        raise InvalidInput("Enter the trust center address as a web address starting https://.")
    if terms not in TRUST_CENTER_TERMS:
        raise InvalidInput("Choose the terms that apply to downloading the report.")


def provenance_from_form(
    *, url: str, terms: str, obtained_on: str, today: date
) -> Provenance | None:
    """Return the provenance staff gave with an upload, or None when no address was given.

    ``obtained_on`` is the date field as typed (blank: today).
    """
    url = url.strip()
    if not url:
        return None
    check_trust_center(url, terms)
    try:
        obtained = date.fromisoformat(obtained_on.strip()) if obtained_on.strip() else today
    except ValueError:
        raise InvalidInput(f"The date the report was obtained: {DATE_HINT}") from None
    if obtained > today:
        raise InvalidInput("The report cannot have been obtained after today.")
    return Provenance(url=url, terms=terms, obtained_on=obtained)


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
