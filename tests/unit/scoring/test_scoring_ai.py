"""Vendors with AI features: their answers against the evidence, and the ISO/IEC 42001 factor."""

from __future__ import annotations

from tests.unit.scoring.scoring_builders import certificate, codes, factor, profile, report, score

AI_VENDOR = profile(ai_features=True, ai_processes_our_data=True)


def _ai_certificate(**overrides):
    quote = {"certificate_expiry": [{"page": 1, "snippet": "Expiry date: 11 March 2027"}]}
    return certificate(
        document_id="iso42001", standard="ISO/IEC 42001:2023", evidence=quote, **overrides
    )


def _finding(result, code):
    (found,) = [item for item in result.findings if item.code == code]
    return found


def test_claimed_iso42001_without_a_certificate_is_flagged():
    result = score(report(), answers={"iso42001_certified": "yes"}, vendor=AI_VENDOR)
    assert _finding(result, "ISO42001_CLAIM_NO_CERTIFICATE").severity == "medium"


def test_claimed_iso42001_with_an_expired_certificate_is_flagged():
    expired = _ai_certificate(certificate_expiry="2025-03-01")
    result = score(report(), expired, answers={"iso42001_certified": "yes"}, vendor=AI_VENDOR)
    found = _finding(result, "ISO42001_CLAIM_CERTIFICATE_EXPIRED")
    assert "iso42001" in found.message


def test_a_current_iso42001_certificate_backs_the_claim_and_is_no_iso27001():
    current = _ai_certificate()
    result = score(
        report(), current, answers={"iso42001_certified": "yes", "iso27001_certified": "yes"}
    )
    assert "ISO42001_CLAIM_NO_CERTIFICATE" not in codes(result.findings)
    assert "ISO42001_CLAIM_CERTIFICATE_EXPIRED" not in codes(result.findings)
    # An AI management system certificate is not an information security one.
    assert "ISO_CLAIM_NO_CERTIFICATE" in codes(result.findings)
    assert "ISO42001_CERTIFIED" in codes(result.flags)
    check = next(item for item in result.claim_checks if item.claim == "iso42001_certified")
    assert (check.status, check.document_id) == ("consistent", "iso42001")


def test_no_training_beside_a_consumer_plan_is_a_question_for_the_reviewer():
    answers = {
        "ai_trains_on_customer_data": "no",
        "model_provider_tiers": ["commercial_api", "consumer_or_free_tier"],
    }
    found = _finding(score(report(), answers=answers), "AI_TRAINING_CLAIM_TO_CONFIRM")
    assert found.severity == "low"
    assert "Ask the vendor" in found.message


def test_no_training_beside_commercial_models_raises_nothing():
    answers = {"ai_trains_on_customer_data": "no", "model_provider_tiers": ["cloud_platform"]}
    assert "AI_TRAINING_CLAIM_TO_CONFIRM" not in codes(score(report(), answers=answers).findings)
    admitted = {
        "ai_trains_on_customer_data": "yes",
        "model_provider_tiers": ["consumer_or_free_tier"],
    }
    assert "AI_TRAINING_CLAIM_TO_CONFIRM" not in codes(score(report(), answers=admitted).findings)


def test_ai_features_left_out_of_the_soc2_system_description_are_a_scope_gap():
    result = score(report(), answers={"ai_in_soc2_scope": "no"}, vendor=AI_VENDOR)
    found = _finding(result, "AI_SOC2_SCOPE_GAP")
    assert found.severity == "medium"
    assert "did not examine" in found.message


def test_an_ai_vendor_nobody_asked_about_scope_gets_a_prompt_not_a_gap():
    result = score(report(), vendor=AI_VENDOR)
    assert _finding(result, "AI_SOC2_SCOPE_UNKNOWN").severity == "info"
    assert "AI_SOC2_SCOPE_GAP" not in codes(result.findings)


def test_a_vendor_without_ai_features_gets_no_ai_findings():
    result = score(report())
    assert not [code for code in codes(result.findings) if "AI" in code or "42001" in code]
    assert "F8" not in [item.factor for item in result.factors]


def test_ai_features_inside_the_soc2_scope_raise_nothing():
    result = score(report(), answers={"ai_in_soc2_scope": "yes"}, vendor=AI_VENDOR)
    assert not [code for code in codes(result.findings) if code.startswith("AI_")]


def test_an_iso42001_certificate_counts_in_the_score_of_an_ai_vendor():
    # Recency 2 months → 25, period 12 months → 10: an older report leaves room below 100.
    older = report(period_start="2023-11-01", period_end="2024-10-31", report_date="2024-12-01")
    without = score(older, vendor=AI_VENDOR)
    with_certificate = score(older, _ai_certificate(), vendor=AI_VENDOR)
    assert factor(without, "F8").points == 0
    assert factor(with_certificate, "F8").points == factor(with_certificate, "F8").max == 10
    assert with_certificate.score == without.score + 10
    assert factor(with_certificate, "F8").evidence[0].document_id == "iso42001"
    # The same certificate earns a vendor without AI features nothing.
    plain = score(older, _ai_certificate())
    assert plain.score == score(older).score
