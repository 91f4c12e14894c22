"""Gates, best-report selection, bands, residual risk and the overall result."""

from __future__ import annotations

import pytest
from scoring_builders import (
    POLICY,
    bridge,
    certificate,
    codes,
    factor,
    profile,
    report,
    score,
)

from app.scoring.domain.policy import Policy


def test_factors_add_up_to_the_score_before_caps():
    result = score(report(opinion="adverse", exceptions_count=2))
    assert sum(item.points for item in result.factors) == result.pre_cap_score
    assert result.score == 25 < result.pre_cap_score


def test_report_without_auditor_or_opinion_is_rejected_with_score_zero():
    result = score(report(opinion=None, service_auditor=None))
    assert result.score == 0
    assert result.band == "F"
    assert codes(result.gates)[0] == "NOT_A_SOC_REPORT"


def test_report_ended_more_than_fifteen_months_ago_is_capped_at_40():
    result = score(
        report(period_start="2023-01-01", period_end="2023-12-31", report_date="2024-02-01")
    )
    assert "STALE" in codes(result.gates)
    assert result.score == 40


def test_missing_audit_firm_caps_the_score_at_50():
    result = score(report(service_auditor=None))
    assert codes(result.gates) == ["AUDITOR_UNIDENTIFIED"]
    assert result.score == 50


@pytest.mark.parametrize(
    "overrides",
    [
        {"confidence": {"opinion": 0.4}},
        {"confidence": {"period_end": 0.5}},
        {"warnings": [{"code": "DATE_CONFLICT", "message": "cover and opinion disagree"}]},
        {"report_type": None},
    ],
)
def test_uncertain_key_facts_make_the_score_provisional(overrides):
    result = score(report(**overrides))
    assert result.provisional
    assert "LOW_CONFIDENCE" in codes(result.gates)


def test_confident_facts_give_a_final_score():
    result = score(report(confidence={"opinion": 0.9, "framework": 0.51}))
    assert not result.provisional


def test_reviewer_correction_wins_and_settles_low_confidence_and_date_conflicts():
    raw = report(
        opinion="qualified",
        confidence={"opinion": 0.2},
        warnings=[{"code": "DATE_CONFLICT", "message": "x"}],
        corrections={"opinion": "unqualified", "period_end": "2025-04-30"},
    )
    result = score(raw)
    assert factor(result, "F4").points == 20
    assert not result.provisional


def test_product_names_absent_from_the_report_ask_for_manual_scope_review():
    vendor = profile(product_names=["Ledger Sync"])
    result = score(report(system_name="Lumenary Platform"), vendor=vendor)
    assert "SCOPE_MISMATCH_SUSPECTED" in codes(result.gates)
    assert result.score == result.pre_cap_score


def test_product_name_found_in_the_system_description_passes_the_scope_check():
    vendor = profile(product_names=["lumenary platform"])
    result = score(report(system_name="Lumenary Platform"), vendor=vendor)
    assert "SCOPE_MISMATCH_SUSPECTED" not in codes(result.gates)


def test_strongest_report_is_used_when_several_are_on_file():
    older = report(document_id="older", period_start="2023-05-01", period_end="2024-04-30")
    type1 = report(document_id="type1", report_type="type1", period_start=None)
    current = report(document_id="current")
    result = score(older, type1, current)
    assert result.best_document_id == "current"
    assert {item.document_id for item in result.candidates} == {"older", "type1", "current"}


def test_no_soc_report_means_no_score_and_residual_risk_as_band_f():
    result = score(certificate(), {"document_id": "w9", "doc_kind": "other"})
    assert (result.score, result.band, result.best_document_id) == (None, None, None)
    assert result.residual_risk == "high"
    assert result.factors == ()
    assert {"NO_SOC_REPORT", "NOT_AN_ASSURANCE_DOCUMENT", "ISO27001_CERTIFIED"} <= set(
        codes(result.flags)
    )


def test_expired_iso_certificate_is_shown_as_expired():
    result = score(report(), certificate(certificate_expiry="2025-01-31"))
    assert "ISO27001_EXPIRED" in codes(result.flags)


def test_policy_can_give_iso_certificates_points_without_breaking_the_factor_sum():
    generous = POLICY.model_copy(
        update={"iso27001": POLICY.iso27001.model_copy(update={"points": 5})}
    )
    result = score(report(), certificate(), policy=generous)
    assert factor(result, "F7").points == 5
    assert result.pre_cap_score == 105
    assert result.score == 100
    assert "SCORE_CEILING" in codes(result.gates)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("critical", ["moderate", "elevated", "high", "high", "high"]),
        ("high", ["low", "moderate", "elevated", "high", "high"]),
        ("moderate", ["low", "low", "moderate", "elevated", "high"]),
        ("low", ["low", "low", "low", "moderate", "elevated"]),
    ],
)
def test_residual_risk_follows_the_tier_and_band_table(tier, expected):
    assert [POLICY.residual_for(tier, band) for band in "ABCDF"] == expected


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (100, "A"),
        (85, "A"),
        (84, "B"),
        (70, "B"),
        (69, "C"),
        (55, "C"),
        (54, "D"),
        (35, "D"),
        (34, "F"),
        (0, "F"),
    ],
)
def test_band_limits_follow_the_rubric(value, band):
    assert POLICY.band_for(value).band == band


def test_result_serialises_to_the_documented_json_shape():
    evidence = {"period_end": [{"page": 1, "snippet": "through April 30, 2025"}]}
    data = score(report(evidence=evidence), bridge()).model_dump(mode="json")
    assert {
        "score",
        "band",
        "residual_risk",
        "provisional",
        "factors",
        "findings",
        "flags",
        "gates",
        "policy_version",
        "best_document_id",
    } <= set(data)
    assert set(data["factors"][0]) == {
        "factor",
        "title",
        "points",
        "max",
        "reason_code",
        "message",
        "evidence",
    }
    assert data["factors"][1]["evidence"][0] == {
        "document_id": "report",
        "page": 1,
        "snippet": "through April 30, 2025",
    }
    assert data["policy_version"] == "default-v3"


def test_policy_is_frozen():
    assert isinstance(POLICY, Policy)
    with pytest.raises(ValueError, match="frozen"):
        POLICY.version = "changed"  # type: ignore[misc]
