"""Findings: answers that contradict the documents, and gaps the documents leave."""

from __future__ import annotations

import pytest
from scoring_builders import bridge, certificate, codes, profile, report, score

from app.scoring.domain.cuecs import cuec_key


def _only(result, code):
    matches = [item for item in result.findings if item.code == code]
    assert len(matches) == 1, codes(result.findings)
    return matches[0]


CLAIMS_TYPE2 = {"holds_current_soc2_type2": "yes"}


def test_claimed_soc2_type2_with_no_report_on_file_is_a_high_finding():
    finding = _only(score(certificate(), answers=CLAIMS_TYPE2), "SOC2_TYPE2_CLAIM_NO_REPORT")
    assert finding.severity == "high"


def test_claimed_soc2_type2_when_the_best_report_is_type1_is_flagged():
    result = score(report(report_type="type1", period_start=None), answers=CLAIMS_TYPE2)
    assert "Type 1" in _only(result, "SOC2_TYPE2_CLAIM_TYPE1").message


def test_claimed_soc2_type2_when_the_best_report_is_soc3_is_flagged():
    result = score(report(framework="SOC 3", report_type=None), answers=CLAIMS_TYPE2)
    assert "SOC 3" in _only(result, "SOC2_TYPE2_CLAIM_WRONG_FRAMEWORK").message


def test_claimed_current_soc2_type2_older_than_twelve_months_after_period_end_is_flagged():
    stale = report(period_start="2023-05-01", period_end="2024-04-30", report_date="2024-06-01")
    finding = _only(score(stale, answers=CLAIMS_TYPE2), "SOC2_TYPE2_CLAIM_NOT_CURRENT")
    assert "2024-04-30" in finding.message


def test_claimed_soc2_type2_backed_by_a_current_report_raises_nothing():
    assert score(report(), answers=CLAIMS_TYPE2).findings == ()


def test_answering_no_exceptions_when_the_report_lists_some_is_a_high_finding():
    evidence = {"exceptions_count": [{"page": 27, "snippet": "Exception noted. For 1 of 25"}]}
    result = score(report(exceptions_count=2, evidence=evidence), answers={"has_exceptions": "no"})
    finding = _only(result, "EXCEPTIONS_CLAIM_CONTRADICTED")
    assert finding.severity == "high"
    assert finding.evidence[0].page == 27


def test_answered_exception_count_different_from_the_report_is_flagged():
    result = score(report(exceptions_count=3), answers={"exceptions_count": 1})
    assert _only(result, "EXCEPTIONS_COUNT_MISMATCH").severity == "medium"


def test_answered_period_dates_different_from_the_report_are_flagged():
    result = score(report(), answers={"period_start": "2024-05-01", "period_end": "2025-03-31"})
    message = _only(result, "PERIOD_MISMATCH").message
    assert "2025-03-31" in message and "2025-04-30" in message


def test_claimed_criteria_missing_from_the_report_are_flagged_as_overclaimed():
    answers = {"trust_services_criteria": ["security", "availability"]}
    finding = _only(score(report(), answers=answers), "CRITERIA_MISMATCH")
    assert finding.severity == "medium"
    assert "availability" in finding.message


def test_matching_answers_raise_no_findings():
    answers = {
        "framework": "SOC 2",
        "report_type": "Type II",
        "period_start": "2024-05-01",
        "period_end": "2025-04-30",
        "service_auditor": "Halvorsen & Pike",
        "opinion": "unqualified",
        "trust_services_criteria": ["security"],
        "exceptions_count": 0,
        "has_exceptions": "no",
        "subservice_organizations": [],
        "cuecs": "no",
    }
    assert score(report(), answers=answers).findings == ()


def test_answered_opinion_different_from_the_report_is_a_high_mismatch():
    result = score(report(opinion="qualified"), answers={"opinion": "unqualified"})
    assert _only(result, "ANSWER_MISMATCH").severity == "high"


def test_answered_certificate_expiry_different_from_the_certificate_is_flagged():
    result = score(report(), certificate(), answers={"certificate_expiry": "2028-01-01"})
    assert "2027-03-11" in _only(result, "ANSWER_MISMATCH").message


def test_bridge_letter_starting_after_the_period_end_leaves_a_hole():
    letter = bridge(period_end="2025-05-31", bridge_through="2025-06-30")
    result = score(report(), letter)
    assert "not covered" in _only(result, "BRIDGE_HOLE").message


def test_bridge_coverage_ending_before_the_evaluation_date_is_flagged():
    base = report(period_start="2024-02-01", period_end="2025-01-31")
    letter = bridge(period_end="2025-01-31", bridge_through="2025-03-31")
    finding = _only(score(base, letter), "BRIDGE_COVERAGE_ENDED")
    assert "91 days" in finding.message


def test_bridge_letter_covering_more_than_92_days_is_flagged_and_counted_only_up_to_92():
    base = report(period_start="2024-02-01", period_end="2025-01-31")
    letter = bridge(period_end="2025-01-31", bridge_through="2025-06-30")
    assert "counted up to 92 days" in _only(score(base, letter), "BRIDGE_OVERLONG").message


def test_vague_bridge_letter_is_flagged():
    letter = bridge(material_changes="unclear")
    assert _only(score(report(), letter), "BRIDGE_VAGUE").severity == "medium"


def test_bridge_letter_about_another_organisation_is_flagged():
    letter = bridge(service_organization="Someone Else Ltd")
    assert _only(score(report(), letter), "BRIDGE_NOT_FOR_REPORT").severity == "low"


def test_claimed_bridge_letter_that_is_not_on_file_is_flagged():
    result = score(report(), answers={"has_bridge_letter": "yes"})
    assert _only(result, "BRIDGE_CLAIM_NO_LETTER").severity == "low"


def test_carved_out_subservice_organisation_without_its_own_report_is_flagged():
    carve_out = report(
        subservice_organizations=["Amazon Web Services, Inc."], subservice_method="carve-out"
    )
    finding = _only(score(carve_out), "CARVED_OUT_NO_SUBSERVICE_REPORT")
    assert "Amazon Web Services" in finding.message


@pytest.mark.parametrize(
    "on_file",
    [
        {"vendor": profile(subservice_reports_on_file=["Amazon Web Services"])},
        {"extra": report(document_id="aws", service_organization="Amazon Web Services Inc")},
    ],
)
def test_carved_out_organisation_with_a_report_on_file_is_not_flagged(on_file):
    carve_out = report(
        subservice_organizations=["Amazon Web Services, Inc."], subservice_method="carve-out"
    )
    documents = [carve_out, *([on_file["extra"]] if "extra" in on_file else [])]
    result = score(*documents, vendor=on_file.get("vendor"))
    assert "CARVED_OUT_NO_SUBSERVICE_REPORT" not in codes(result.findings)


def test_inclusive_subservice_organisation_needs_no_separate_report():
    inclusive = report(
        subservice_organizations=["Granite Peak Colocation"], subservice_method="inclusive"
    )
    assert score(inclusive).findings == ()


def test_cuecs_without_an_owner_on_our_side_are_flagged():
    listed = report(
        cuec_list=["Customers review user access quarterly.", {"text": "Customers use MFA."}]
    )
    message = _only(score(listed), "CUEC_UNLINKED").message
    assert "2 of the 2 complementary" in message and "and 1 more." in message


def test_only_the_cuecs_not_mapped_to_our_controls_are_flagged():
    listed = report(cuec_list=["Customers review user access quarterly.", "Customers use MFA."])
    mapped = profile(cuec_controls_linked=[cuec_key("Customers use MFA.")])
    message = _only(score(listed, vendor=mapped), "CUEC_UNLINKED").message
    assert "1 of the 2" in message and "Customers use MFA." not in message


def test_cuecs_with_owners_assigned_are_not_flagged():
    # The scoring command's profile may say so without listing mappings.
    result = score(report(cuecs=True), vendor=profile(cuec_owners_assigned=True))
    assert result.findings == ()


def test_claimed_iso_certification_without_a_certificate_is_flagged():
    result = score(report(), answers={"iso27001_certified": "yes"})
    assert _only(result, "ISO_CLAIM_NO_CERTIFICATE").severity == "medium"


def test_claimed_iso_certification_with_an_expired_certificate_is_flagged():
    expired = certificate(certificate_expiry="2025-03-01")
    result = score(report(), expired, answers={"iso27001_certified": "yes"})
    assert _only(result, "ISO_CLAIM_CERTIFICATE_EXPIRED").severity == "medium"


def test_newer_but_weaker_report_is_pointed_out():
    older = report(document_id="older", period_start="2024-01-01", period_end="2024-12-31")
    newer = report(document_id="newer", opinion="adverse")
    result = score(older, newer)
    assert result.best_document_id == "older"
    assert "newer" in _only(result, "NEWER_REPORT_WEAKER").message
