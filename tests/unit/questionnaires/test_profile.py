"""The vendor-profile intake yields an inherent risk tier by a documented points rule."""

import pytest

from app.questionnaires.domain.answer_rules import validate_answers
from app.questionnaires.errors import IncompleteProfile
from app.questionnaires.loader import LIBRARY_ROOT, find_definition
from app.vendors.domain.profile import AI_QUESTIONS, PROFILE_QUESTIONS, RiskTier, inherent_tier

LOW_RISK = {
    "data_categories": ["public"],
    "system_access": "none",
    "integration_depth": "none",
    "business_criticality": "low",
    "uptime_critical": "no",
    "transaction_processing": "no",
    "icfr_relevant": "no",
}


def _tier(**changes):
    return inherent_tier(LOW_RISK | changes)


@pytest.mark.parametrize(
    ("changes", "tier", "points"),
    [
        ({}, RiskTier.LOW, 1),
        ({"data_categories": ["internal"], "business_criticality": "medium"}, RiskTier.LOW, 3),
        (
            {
                "data_categories": ["internal"],
                "system_access": "user",
                "business_criticality": "medium",
            },
            RiskTier.MODERATE,
            4,
        ),
        ({"data_categories": ["confidential"], "system_access": "network"}, RiskTier.HIGH, 7),
        (
            {
                "data_categories": ["confidential"],
                "system_access": "user",
                "business_criticality": "medium",
            },
            RiskTier.MODERATE,
            6,
        ),
        (
            {
                "data_categories": ["personal"],
                "system_access": "network",
                "business_criticality": "high",
                "integration_depth": "moderate",
            },
            RiskTier.CRITICAL,
            11,
        ),
        (
            {
                "data_categories": ["internal", "confidential"],
                "system_access": "network",
                "business_criticality": "medium",
                "integration_depth": "deep",
            },
            RiskTier.HIGH,
            10,
        ),
    ],
)
def test_points_decide_the_base_tier(changes, tier, points):
    result = _tier(**changes)
    assert (result.tier, result.points) == (tier, points)


def test_the_most_sensitive_data_category_counts():
    assert _tier(data_categories=["public", "personal"]).points == 3 + 0 + 1 + 0


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        ({"system_access": "privileged", "data_categories": ["confidential"]}, RiskTier.CRITICAL),
        ({"data_categories": ["payment_card"]}, RiskTier.HIGH),
        ({"data_categories": ["special_category"]}, RiskTier.HIGH),
        ({"uptime_critical": "yes"}, RiskTier.HIGH),
        ({"icfr_relevant": "yes"}, RiskTier.MODERATE),
        ({"transaction_processing": "yes"}, RiskTier.MODERATE),
    ],
)
def test_floors_raise_the_tier_and_say_why(changes, tier):
    result = _tier(**changes)
    assert result.tier is tier
    assert result.reasons[-1].startswith(f"raised to {tier}")


def test_privileged_access_without_sensitive_data_is_not_automatically_critical():
    result = _tier(system_access="privileged", data_categories=["internal"])
    assert (result.tier, result.points) == (RiskTier.MODERATE, 6)


def test_floors_never_lower_a_tier():
    result = _tier(
        data_categories=["personal"],
        system_access="network",
        business_criticality="high",
        integration_depth="deep",
        icfr_relevant="yes",
    )
    assert result.tier is RiskTier.CRITICAL
    assert len(result.reasons) == 1


def test_profile_flags_follow_the_answers():
    flags = _tier(
        data_categories=["personal"],
        uptime_critical="yes",
        icfr_relevant="yes",
        transaction_processing="yes",
    ).flags
    assert flags.personal_data and flags.confidential_data
    assert flags.uptime_critical and flags.icfr_relevant and flags.transaction_processing
    flags = _tier(data_categories=["confidential"]).flags
    assert (flags.personal_data, flags.confidential_data) == (False, True)
    assert not _tier().flags.confidential_data


def test_missing_answers_are_listed_together():
    with pytest.raises(IncompleteProfile) as caught:
        inherent_tier({"data_categories": ["public"], "system_access": "none"})
    assert caught.value.missing == (
        "integration_depth",
        "business_criticality",
        "uptime_critical",
        "transaction_processing",
        "icfr_relevant",
    )


@pytest.mark.parametrize(
    ("question", "value"), [("system_access", "root"), ("data_categories", ["secret"])]
)
def test_unknown_values_are_rejected(question, value):
    with pytest.raises(IncompleteProfile, match="unknown value"):
        _tier(**{question: value})


def test_the_rule_reads_questions_and_values_the_vendor_profile_offers():
    definition = find_definition(LIBRARY_ROOT, "vendor-profile").definition
    for question_id in PROFILE_QUESTIONS:
        assert definition.question(question_id) is not None, question_id
    answers = LOW_RISK | {
        "vendor_services": "Payroll",
        "business_owner": "Finance",
        "ai_features": "no",
    }
    assert validate_answers(definition, answers) == []
    from app.vendors.domain import profile

    tables = {
        "data_categories": profile.DATA_POINTS,
        "system_access": profile.ACCESS_POINTS,
        "business_criticality": profile.CRITICALITY_POINTS,
        "integration_depth": profile.INTEGRATION_POINTS,
    }
    for question_id, table in tables.items():
        assert set(definition.question(question_id).choice_values()) == set(table), question_id


def test_the_profile_says_whether_the_service_has_ai_features_that_our_data_reaches():
    definition = find_definition(LIBRARY_ROOT, "vendor-profile").definition
    assert definition.version >= 2
    for question_id in AI_QUESTIONS:
        assert definition.question(question_id) is not None, question_id
    with_ai = _tier(ai_features="yes", ai_processes_our_data="yes").flags
    assert (with_ai.ai_features, with_ai.ai_processes_our_data) == (True, True)
    kept_away = _tier(ai_features="yes", ai_processes_our_data="no").flags
    assert (kept_away.ai_features, kept_away.ai_processes_our_data) == (True, False)
    # An intake from version 1, before the question existed, says nothing about AI.
    assert _tier().flags.ai_features is False
    # A stale "our data reaches them" left behind after answering "no AI" does not count.
    assert _tier(ai_features="no", ai_processes_our_data="yes").flags.ai_processes_our_data is False
