"""ISO/IEC 42001 certificates are read like ISO/IEC 27001 ones and count for AI vendors."""

from __future__ import annotations

from datetime import date

from app.reports.extraction import extract_facts_from_pdf
from app.reports.models import DocumentKind
from app.reports.service import kind_from_facts
from app.scoring.domain.inputs import VendorProfile, parse_facts
from app.scoring.domain.rules import score_vendor
from app.scoring.policy_loader import load_default_policy
from tests.unit.reports.iso42001_fixture import BODY, ORGANISATION, build_iso42001_certificate
from tests.unit.scoring.scoring_builders import report

AS_OF = date(2026, 12, 6)
AI_VENDOR = VendorProfile(inherent_tier="high", ai_features=True, ai_processes_our_data=True)


def _read(**options):
    return extract_facts_from_pdf(build_iso42001_certificate(**options))


def test_the_certificate_is_read_with_its_standard_scope_body_accreditation_and_dates():
    result = _read()
    assert result.doc_kind == "iso_certificate"
    assert result.standard == "ISO/IEC 42001:2023"
    assert result.service_organization == ORGANISATION
    assert result.service_auditor == BODY
    assert (result.report_date, result.certificate_expiry) == ("2025-03-12", "2028-03-11")
    assert result.certificate is not None
    assert result.certificate.certification_body == BODY
    assert result.certificate.accreditation_body == "UKAS"
    assert result.certificate.certificate_number == "AIMS-2031-042"
    assert "ticket summariser and its AI features" in (result.certificate.scope or "")
    assert kind_from_facts(result) is DocumentKind.iso42001_certificate


def _scored(profile, *certificates):
    # An older SOC 2 report leaves room below 100 for the certificate's points.
    soc2 = report(period_start="2025-05-01", period_end="2026-04-30", report_date="2026-06-01")
    documents = [soc2, *certificates]
    return score_vendor(documents, {}, profile, AS_OF, load_default_policy())


def _facts(result, document_id="iso42001"):
    return parse_facts(result.as_dict(), default_document_id=document_id)


def test_a_current_certificate_counts_in_the_score_of_an_ai_vendor():
    certificate = _facts(_read())
    without = _scored(AI_VENDOR)
    held = _scored(AI_VENDOR, certificate)
    factor = next(item for item in held.factors if item.factor == "F8")
    assert (factor.points, factor.reason_code) == (10, "ISO42001_CURRENT")
    assert held.score == without.score + 10
    assert "ISO42001_CERTIFIED" in [flag.code for flag in held.flags]
    # It is not an information security certificate: no ISO/IEC 27001 factor or flag.
    assert "ISO27001_CERTIFIED" not in [flag.code for flag in held.flags]


def test_it_earns_a_vendor_without_ai_features_nothing():
    plain = VendorProfile(inherent_tier="high")
    assert _scored(plain, _facts(_read())).score == _scored(plain).score


def test_an_expired_certificate_earns_nothing_and_is_flagged():
    expired = _facts(_read(expiry="11 March 2026"))
    result = _scored(AI_VENDOR, expired)
    factor = next(item for item in result.factors if item.factor == "F8")
    assert factor.points == 0
    assert "ISO42001_EXPIRED" in [flag.code for flag in result.flags]
