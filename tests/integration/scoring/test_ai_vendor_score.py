"""An ISO/IEC 42001 certificate uploaded for a vendor with AI features counts in its stored score."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from app.evidence.intake import EvidenceStore, Upload, receive_document
from app.reports.models import DocumentKind, UploadChannel
from app.reports.storage_backends import get_storage
from app.scoring import service as scoring_service
from tests.factories import make_vendor
from tests.unit.reports.iso42001_fixture import ORGANISATION, build_iso42001_certificate

SOC2 = Path(__file__).parents[2] / "fixtures" / "corpus" / "a01.pdf"


def _upload(session, settings, vendor, data, name):
    store = EvidenceStore(get_storage(settings), None, settings.max_upload_bytes)
    upload = Upload(io.BytesIO(data), name, UploadChannel.staff, actor="system:test")
    return receive_document(session, store, upload, vendor=vendor, today=date.today())


def _f8(score):
    return next((f for f in score.factors if f["factor"] == "F8"), None)


def test_the_stored_score_of_an_ai_vendor_counts_its_iso42001_certificate(session, settings):
    # The SOC 2 report is Lumenary Cloud's; the certificate names the AI product's company.
    vendor = make_vendor(session, name="Lumenary Cloud, Inc.", aliases=[ORGANISATION])
    vendor.profile = {"ai_features": True, "ai_processes_our_data": True}
    session.add(vendor)
    _upload(session, settings, vendor, SOC2.read_bytes(), "soc2.pdf")
    before = scoring_service.recompute_vendor(session, vendor, as_of=date.today(), reason="test")
    assert _f8(before)["points"] == 0
    outcome = _upload(session, settings, vendor, build_iso42001_certificate(), "aims.pdf")
    assert outcome.document.kind is DocumentKind.iso42001_certificate
    assert outcome.facts is not None and outcome.facts.standard == "ISO/IEC 42001:2023"
    after = scoring_service.latest_score(session, vendor.id)
    assert after is not None
    assert _f8(after)["points"] == 10
    assert _f8(after)["reason_code"] == "ISO42001_CURRENT"
