"""A fact the report's kind does not carry cannot make its score provisional."""

from __future__ import annotations

from scoring_builders import report, score


def test_a_soc3_type_read_with_low_confidence_does_not_make_the_score_provisional():
    soc3 = report(framework="SOC 3", report_type=None, confidence={"report_type": 0.2})
    assert not score(soc3).provisional
    soc2 = report(confidence={"report_type": 0.2})
    assert score(soc2).provisional


def test_a_type1_period_start_read_with_low_confidence_does_not_count():
    type1 = report(report_type="type1", confidence={"period_start": 0.2})
    assert not score(type1).provisional
