"""The scoring policy is validated data: weights change scores without code changes."""

from __future__ import annotations

import pytest
from scoring_builders import factor, report, score

from app.scoring.domain.policy import load_policy
from app.scoring.errors import PolicyError
from app.scoring.policy_loader import default_policy_text, load_default_policy, load_policy_file


def test_packaged_default_policy_loads_with_its_version():
    assert load_default_policy().version == "default-v3"


def test_changing_a_weight_in_the_policy_file_changes_the_score():
    text = default_policy_text().replace("    soc2_type1: 8\n", "    soc2_type1: 12\n")
    edited = load_policy(text)
    type1 = report(report_type="type1", period_start=None)
    assert factor(score(type1, policy=edited), "F1").points == 12
    assert score(type1, policy=edited).score == score(type1).score + 4


def test_changing_a_cap_in_the_policy_file_changes_the_capped_score():
    text = default_policy_text().replace(
        "adverse_or_disclaimer_cap: 25", "adverse_or_disclaimer_cap: 10"
    )
    assert score(report(opinion="adverse"), policy=load_policy(text)).score == 10


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    max: 5\n", "    max: 6\n", "add up to 100"),
        ("    soc2_type2: 25\n", "    soc2_type2: 30\n", "maximum"),
        ("  - {band: B, min_score: 70", "  - {band: B, min_score: 90", "band minima"),
        ("version: default-v3", "version: default-v2\nsurprise: 1", "surprise"),
        ("overlong: truncate", "overlong: sometimes", "overlong"),
        ("      - {max_days: 183, points: 20}", "      - {max_days: 183, points: 26}", "recency"),
        (
            "  low: {A: low, B: low, C: low, D: moderate, F: elevated}",
            "  low: {A: low}",
            "residual_risk.low",
        ),
    ],
)
def test_invalid_policy_is_rejected_with_a_readable_reason(old, new, message):
    text = default_policy_text()
    assert old in text
    with pytest.raises(PolicyError, match=message):
        load_policy(text.replace(old, new))


@pytest.mark.parametrize("text", ["[1, 2", "- just a list", ""])
def test_policy_that_is_not_a_yaml_mapping_is_rejected(text):
    with pytest.raises(PolicyError):
        load_policy(text)


def test_policy_file_that_cannot_be_read_raises_a_policy_error(tmp_path):
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy_file(tmp_path / "missing.yaml")


def test_the_default_policy_reviews_riskier_tiers_more_often():
    cadence = load_default_policy().reassessment
    months = {
        tier: cadence.for_tier(tier).months for tier in ("critical", "high", "moderate", "low")
    }
    assert months == {"critical": 12, "high": 12, "moderate": 24, "low": 36}
    assert cadence.for_tier("low").questionnaires == ("vendor-profile",)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  low: {months: 36,", "  low: {months: 6,", "riskier tier"),
        ("  moderate: {months: 24,", "  moderate: {months: 0,", "greater than or equal to 1"),
        ("[vendor-profile]", "[]", "at least 1"),
        ("[vendor-profile]", "[vendor-profile, vendor-profile]", "listed twice"),
    ],
)
def test_a_bad_review_cadence_is_refused(old, new, message):
    text = default_policy_text().replace(old, new)
    assert text != default_policy_text()
    with pytest.raises(PolicyError, match=message):
        load_policy(text)


def test_a_policy_file_naming_an_unknown_questionnaire_is_refused(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(default_policy_text().replace("[vendor-profile]", "[no-such-questionnaire]"))
    with pytest.raises(PolicyError, match="no questionnaire called 'no-such-questionnaire'"):
        load_policy_file(path)
