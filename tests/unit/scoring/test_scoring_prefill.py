"""Pre-answering questionnaire claims from a valid document."""

from __future__ import annotations

from datetime import date

from scoring_builders import AS_OF, bridge, certificate, report

from app.scoring.domain.inputs import parse_facts
from app.scoring.domain.proven_claims import prefill_claims


def _prefill(data, as_of=AS_OF):
    return prefill_claims(parse_facts(data, default_document_id="doc"), as_of)


def test_current_soc2_type2_answers_its_claims_with_pages():
    evidence = {"period_end": [{"page": 2, "snippet": "through April 30, 2025"}]}
    claims = _prefill(report(exceptions_count=2, evidence=evidence))
    assert claims["period_end"].model_dump() == {
        "value": "2025-04-30",
        "document_id": "report",
        "page": 2,
    }
    assert claims["holds_current_soc2_type2"].value == "yes"
    assert claims["holds_current_soc2_type2"].page == 2
    assert (claims["exceptions_count"].value, claims["has_exceptions"].value) == (2, "yes")
    assert claims["trust_services_criteria"].value == ["security"]


def test_stale_report_does_not_prefill_a_current_soc2_type2_claim():
    claims = _prefill(report(), as_of=date(2026, 6, 1))
    assert "holds_current_soc2_type2" not in claims
    assert claims["framework"].value == "SOC 2"


def test_type1_report_does_not_answer_exception_questions():
    claims = _prefill(report(report_type="type1", period_start=None, exceptions_count=None))
    assert not {
        "exceptions_count",
        "has_exceptions",
        "holds_current_soc2_type2",
        "period_start",
    } & set(claims)


def test_rejected_document_prefills_nothing():
    assert _prefill(report(opinion=None, service_auditor=None)) == {}


def test_bridge_letter_and_certificate_answer_their_own_claims():
    assert _prefill(bridge())["bridge_through"].value == "2025-06-30"
    assert _prefill(certificate())["iso27001_certified"].value == "yes"
    assert "iso27001_certified" not in _prefill(certificate(certificate_expiry="2025-01-01"))
