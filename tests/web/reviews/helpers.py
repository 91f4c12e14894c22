"""Build vendors with stored reports, facts and scores, without reading PDFs in every test."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.core.config import Settings
from app.core.db import utcnow
from app.reports.models import Document, DocumentKind, ReportFacts, UploadChannel
from app.reports.storage import LocalStorage
from app.scoring import service as scoring_service
from app.scoring.models import Score
from app.vendors.models import Vendor

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def report_facts(period_end: date, **overrides: Any) -> dict[str, Any]:
    """Facts of an unqualified SOC 2 Type 2 report with a twelve-month period.

    The report is about the vendor it is added to (``add_document``) unless
    ``service_organization`` says otherwise.
    """
    facts: dict[str, Any] = {
        "doc_kind": "soc_report",
        "framework": "SOC 2",
        "report_type": "type2",
        "service_auditor": "Halvorsen & Pike LLP",
        "period_start": period_end - timedelta(days=364),
        "period_end": period_end,
        "report_date": period_end + timedelta(days=50),
        "opinion": "unqualified",
        "trust_services_criteria": ["security", "availability"],
        "exceptions_count": 0,
        "subservice_organizations": ["Amazon Web Services, Inc."],
        "subservice_method": "carve-out",
        "cuecs": True,
        "cuec_list": ["Customers review user access quarterly."],
        "evidence": {
            "framework": [
                {"page": 1, "snippet": "System and Organization Controls (SOC) 2 Type 2"}
            ],
            "period_end": [{"page": 1, "snippet": "January 1, 2023 to December 31, 2023"}],
        },
        "confidence": {"framework": 0.95, "period_end": 0.9},
    }
    facts.update(overrides)
    return facts


def add_document(
    session: Session,
    settings: Settings,
    vendor: Vendor,
    *,
    content: bytes | None = None,
    kind: DocumentKind = DocumentKind.soc2_report,
    facts: dict[str, Any] | None = None,
    filename: str = "report.pdf",
    rescore: bool = True,
    storage: LocalStorage | None = None,
) -> Document:
    """Store a file for the vendor with the given facts, then rescore the vendor.

    The file goes to ``storage`` when given, else unencrypted to the settings' directory.
    """
    data = content if content is not None else (CORPUS / "a01.pdf").read_bytes()
    storage = storage or LocalStorage(settings.storage_dir)
    key = storage.commit(storage.stage(io.BytesIO(data), max_bytes=len(data) + 1))
    document = Document(
        vendor_id=vendor.id or 0,
        kind=kind,
        filename=filename,
        content_type="application/pdf",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        uploaded_via=UploadChannel.staff,
        uploaded_at=utcnow(),
    )
    session.add(document)
    session.flush()
    if facts is not None:
        about = {"service_organization": vendor.name}
        session.add(ReportFacts(document_id=document.id or 0, **(about | facts)))
        session.flush()
    if rescore:
        rescore_vendor(session, vendor)
    return document


def rescore_vendor(session: Session, vendor: Vendor) -> Score:
    """Recompute the vendor's score as of today."""
    return scoring_service.recompute_vendor(session, vendor, as_of=utcnow().date(), reason="test")
