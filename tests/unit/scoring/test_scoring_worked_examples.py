"""Golden tests: the worked examples of SOC-REPORTS.md §5.6, evaluated on 2025-06-30."""

from __future__ import annotations

from scoring_builders import codes, report, score


def _points(result):
    return [item.points for item in result.factors]


def test_type2_with_two_access_exceptions_ended_four_months_ago_scores_89_band_a():
    exceptions = [
        {"control_id": "CC6.2-01", "criteria": ["CC6.2"], "result": "Exception noted.", "page": 31},
        {"control_id": "CC6.3-02", "criteria": "CC6.3", "result": "Exception noted.", "page": 33},
    ]
    result = score(
        report(
            period_start="2024-03-01",
            period_end="2025-02-28",
            exceptions_count=2,
            exceptions=exceptions,
        )
    )
    assert _points(result) == [25, 20, 10, 20, 9, 5]
    assert (result.score, result.band, result.residual_risk) == (89, "A", "low")
    assert result.gates == ()


def test_type1_as_of_two_months_ago_scores_66_band_c():
    result = score(report(report_type="type1", period_start=None, exceptions_count=None))
    assert _points(result) == [8, 25, 0, 20, 8, 5]
    assert (result.score, result.band, result.residual_risk) == (66, "C", "elevated")


def test_soc3_twelve_months_ended_two_months_ago_scores_83_band_b():
    result = score(report(framework="SOC 3", report_type=None, exceptions_count=None))
    assert _points(result) == [15, 25, 10, 20, 8, 5]
    assert (result.score, result.band, result.residual_risk) == (83, "B", "moderate")


def test_stale_qualified_report_with_three_cc6_exceptions_scores_53_band_d_with_pattern():
    exceptions = [
        {"control_id": f"CC6.{index}", "criteria": [f"CC6.{index}"], "page": 40 + index}
        for index in (1, 2, 3)
    ]
    result = score(
        report(
            period_start="2023-05-01",
            period_end="2024-04-30",
            report_date="2024-06-14",
            opinion="qualified",
            opinion_affected_refs=["CC6.1"],
            exceptions_count=3,
            exceptions=exceptions,
        )
    )
    assert _points(result) == [25, 3, 10, 4, 6, 5]
    assert (result.score, result.band) == (53, "D")
    assert result.gates == ()
    assert "PATTERN_EXCEPTIONS" in codes(result.flags)


def test_three_month_report_without_report_date_is_capped_at_50_for_manual_review():
    result = score(report(period_start="2025-03-01", period_end="2025-05-31", report_date=None))
    assert _points(result) == [25, 25, 4, 20, 15, 5]
    assert (result.pre_cap_score, result.score, result.band) == (94, 50, "D")
    assert codes(result.gates) == ["AUDITOR_UNIDENTIFIED"]
    assert "MANUAL_REVIEW" in codes(result.flags)


def test_any_report_with_a_disclaimer_scores_at_most_25_band_f():
    result = score(report(opinion="disclaimer"))
    assert next(item.points for item in result.factors if item.factor == "F4") == 0
    assert result.score is not None and result.score <= 25
    assert result.band == "F"
    assert codes(result.gates) == ["ADVERSE_OR_DISCLAIMER"]
