"""A stored ISO/IEC 27001:2013 certificate is scored by its edition, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

from app.core.db import utcnow
from app.reports.models import DocumentKind
from tests.factories import make_vendor
from tests.web.reviews.helpers import add_document, report_facts, rescore_vendor


def _certificate(standard: str) -> dict[str, object]:
    return {
        "doc_kind": "iso_certificate",
        "service_auditor": "Aldermoor Certification Services Ltd.",
        "report_date": date(2024, 3, 12),
        "certificate_expiry": utcnow().date() + timedelta(days=200),
        "standard": standard,
    }


def test_stored_standard_reaches_the_score(session, settings):
    vendor = make_vendor(session, name="Lumenary Cloud")
    add_document(
        session, settings, vendor, facts=report_facts(utcnow().date() - timedelta(days=40))
    )
    add_document(
        session,
        settings,
        vendor,
        kind=DocumentKind.iso27001_certificate,
        facts=_certificate("ISO/IEC 27001:2013"),
        filename="iso.pdf",
        rescore=False,
    )
    score = rescore_vendor(session, vendor)
    flags = [flag["code"] for flag in score.explanation["flags"]]
    # Scores are computed as of today, after the 2013 edition's transition ended.
    assert "ISO27001_2013_WITHDRAWN" in flags
    assert "ISO27001_CERTIFIED" not in flags
