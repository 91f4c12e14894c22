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


def five_document_vendor(session: Session, settings: Settings) -> tuple[Vendor, list[Document]]:
    """A vendor with a SOC 2 Type 2 report with exceptions, a SOC 3 report, an ISO/IEC 27001
    certificate, a bridge letter and a document that is none of these."""
    from tests.factories import make_vendor

    vendor = make_vendor(session, name="Quillmark Analytics")
    end = utcnow().date() - timedelta(days=70)
    exceptions = [
        {
            "control_id": f"CC{n}.1",
            "criteria": [f"CC{n}.1"],
            "result": "Exception noted: two of 25 sampled leavers kept their access for a week.",
            "page": 40 + n,
        }
        for n in (6, 7, 8)
    ]
    soc2 = report_facts(
        end,
        exceptions_count=3,
        exceptions=exceptions,
        cuec_list=[f"Customers review access for role {n} every quarter." for n in range(8)],
        confidence={"framework": 0.95, "period_end": 0.9, "exceptions_count": 0.5},
    )
    soc3 = report_facts(
        end,
        framework="SOC 3",
        report_type=None,
        exceptions_count=None,
        cuecs=False,
        cuec_list=[],
        subservice_organizations=[],
        subservice_method=None,
        # A SOC 3 has no type: a reader's guess at one must not make the score provisional.
        confidence={"framework": 0.95, "period_end": 0.9, "report_type": 0.2},
    )
    certificate = {
        "doc_kind": "iso_certificate",
        "service_auditor": "Aldermoor Certification Services Ltd.",
        "report_date": end - timedelta(days=200),
        "certificate_expiry": utcnow().date() + timedelta(days=400),
        "standard": "ISO/IEC 27001:2022",
    }
    bridge = {
        "doc_kind": "bridge_letter",
        "framework": "SOC 2",
        "period_end": end,
        "report_date": utcnow().date() - timedelta(days=5),
        "bridge_through": utcnow().date() - timedelta(days=10),
    }
    plans = [
        ("Quillmark SOC 2 Type 2 2025.pdf", DocumentKind.soc2_report, soc2),
        ("Quillmark SOC 3.pdf", DocumentKind.soc3_report, soc3),
        ("ISO 27001 certificate.pdf", DocumentKind.iso27001_certificate, certificate),
        ("Bridge letter Q1.pdf", DocumentKind.bridge_letter, bridge),
        ("Company overview.pdf", DocumentKind.other, {"doc_kind": "other"}),
    ]
    documents = [
        add_document(
            session,
            settings,
            vendor,
            # The SOC 2 report is a real PDF, so its evidence pages open.
            content=None if kind is DocumentKind.soc2_report else f"%PDF-1.4 {name}".encode(),
            kind=kind,
            facts=facts,
            filename=name,
            rescore=False,
        )
        for name, kind, facts in plans
    ]
    rescore_vendor(session, vendor)
    return vendor, documents
