"""Factor rules F1-F6 (SOC-REPORTS.md §5.1) at their boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from scoring_builders import AS_OF, bridge, factor, profile, report, score


@pytest.mark.parametrize(
    ("framework", "report_type", "icfr", "points"),
    [
        ("SOC 2", "type2", False, 25),
        ("SOC 1", "type2", True, 25),
        ("SOC 1", "type2", False, 15),
        ("SOC 3", None, False, 15),
        ("SOC 2", "type1", False, 8),
        ("SOC 1", "type1", True, 8),
        ("SOC 1", "type1", False, 5),
        ("SOC 2", None, False, 0),
    ],
)
def test_framework_and_type_points_follow_the_rubric(framework, report_type, icfr, points):
    result = score(
        report(framework=framework, report_type=report_type), vendor=profile(icfr_relevant=icfr)
    )
    assert factor(result, "F1").points == points


@pytest.mark.parametrize(
    ("gap_days", "points"),
    [(0, 25), (92, 25), (93, 20), (183, 20), (184, 14), (274, 14), (365, 8), (456, 3), (457, 0)],
)
def test_recency_points_fall_with_days_since_the_period_end(gap_days, points):
    end = AS_OF - timedelta(days=gap_days)
    result = score(
        report(period_start=(end - timedelta(days=364)).isoformat(), period_end=end.isoformat())
    )
    assert factor(result, "F2").points == points


def test_report_ending_after_the_evaluation_date_counts_as_fully_recent():
    result = score(report(period_end="2025-08-31", period_start="2024-09-01"))
    assert factor(result, "F2").points == 25


def test_valid_bridge_letter_extends_recency_but_caps_it_at_22():
    # Period ended 2025-01-31 (150 days ago → 20); bridge through 2025-04-30 (61 days → 25 → 22).
    base = report(period_start="2024-02-01", period_end="2025-01-31")
    letter = bridge(period_start="2024-02-01", period_end="2025-01-31", bridge_through="2025-04-30")
    recency = factor(score(base, letter), "F2")
    assert (recency.points, recency.reason_code) == (22, "RECENCY_BRIDGED")
    assert "bridge" in recency.message


def test_bridge_letter_is_ignored_when_the_report_alone_earns_more():
    letter = bridge(bridge_through="2025-05-31")
    recency = factor(score(report(), letter), "F2")
    assert (recency.points, recency.reason_code) == (25, "RECENCY_CURRENT")


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"period_end": "2025-02-28"}, "starts after the report's period end"),
        ({"service_organization": "Other Company LLC"}, "is about another organisation"),
        ({"framework": "SOC 1"}, "extends another report family"),
        ({"material_changes": "unclear"}, "is vague about changes"),
    ],
)
def test_bridge_letter_does_not_count_when_it(overrides, why):
    base = report(period_start="2024-02-01", period_end="2025-01-31")
    letter = bridge(period_start="2024-02-01", period_end="2025-01-31", bridge_through="2025-04-30")
    letter.update(overrides)
    assert factor(score(base, letter), "F2").points == 20, why


def test_default_policy_counts_an_overlong_bridge_up_to_92_days():
    base = report(period_start="2024-02-01", period_end="2025-01-31")
    letter = bridge(period_end="2025-01-31", bridge_through="2025-06-30")
    # 92 days past 2025-01-31 is 2025-05-03: 58 days before AS_OF → 25, capped at 22.
    assert factor(score(base, letter), "F2").points == 22


def test_rejecting_policy_ignores_an_overlong_bridge():
    from scoring_builders import POLICY

    rejecting = POLICY.model_copy(
        update={"bridge": POLICY.bridge.model_copy(update={"overlong": "reject"})}
    )
    base = report(period_start="2024-02-01", period_end="2025-01-31")
    letter = bridge(period_end="2025-01-31", bridge_through="2025-08-15")
    assert factor(score(base, letter, policy=rejecting), "F2").points == 20


@pytest.mark.parametrize(
    ("days", "points"), [(365, 10), (350, 10), (349, 8), (180, 8), (179, 4), (90, 4), (89, 0)]
)
def test_period_length_points_follow_the_number_of_days_examined(days, points):
    start = date(2025, 4, 30) - timedelta(days=days - 1)
    assert factor(score(report(period_start=start.isoformat())), "F3").points == points


def test_type1_reports_get_no_period_points():
    assert factor(score(report(report_type="type1", period_start=None)), "F3").points == 0


@pytest.mark.parametrize(
    ("opinion", "refs", "points", "code"),
    [
        ("unqualified", [], 20, "OPINION_UNQUALIFIED"),
        ("qualified", ["A1.2"], 8, "OPINION_QUALIFIED"),
        ("qualified", ["CC6.1"], 4, "OPINION_QUALIFIED_HIGH"),
        ("qualified", ["CC3.2"], 4, "OPINION_QUALIFIED_HIGH"),
        ("qualified", [], 4, "OPINION_QUALIFIED_BASIS_UNKNOWN"),
        ("adverse", [], 0, "OPINION_ADVERSE"),
        ("disclaimer", [], 0, "OPINION_DISCLAIMER"),
    ],
)
def test_opinion_points_depend_on_the_form_and_the_criteria_cited(opinion, refs, points, code):
    result = score(report(opinion=opinion, opinion_affected_refs=refs))
    assert (factor(result, "F4").points, factor(result, "F4").reason_code) == (points, code)


def test_qualification_on_a_category_the_vendor_needs_weighs_as_material():
    result = score(
        report(opinion="qualified", opinion_affected_refs=["A1.2"]),
        vendor=profile(uptime_critical=True),
    )
    assert factor(result, "F4").points == 4


@pytest.mark.parametrize(
    ("criteria", "points"),
    [(["CC6.1"], 12), (["CC8.1"], 12), (["A1.2"], 13), (["CC1.4"], 14), ([], 13), (["P4.1"], 12)],
)
def test_each_exception_costs_its_severity_family_weight(criteria, points):
    exceptions = [{"control_id": "X-1", "criteria": criteria, "page": 9}]
    result = score(report(exceptions_count=1, exceptions=exceptions))
    assert factor(result, "F5").points == points


def test_managements_response_is_named_in_the_evidence_and_does_not_change_the_points():
    exceptions = [
        {
            "control_id": "CC6.2.1",
            "criteria": ["CC6.2"],
            "page": 9,
            "management_response": "Approvals are now recorded in the ticketing system.",
        },
        {"control_id": "CC7.1.1", "criteria": ["CC7.1"], "page": 11},
    ]
    answered = factor(score(report(exceptions_count=2, exceptions=exceptions)), "F5")
    unanswered = [
        {k: v for k, v in item.items() if k != "management_response"} for item in exceptions
    ]
    plain = factor(score(report(exceptions_count=2, exceptions=unanswered)), "F5")
    assert answered.points == plain.points
    assert "CC6.2.1 (high, −3, management responded)" in answered.message
    assert "management's response to 1 of them" in answered.message
    assert "responded" not in plain.message
    snippets = {ref.page: ref.snippet for ref in answered.evidence if ref.page in (9, 11)}
    assert snippets == {9: "CC6.2.1 (management responded)", 11: "CC7.1.1"}


def test_counted_but_unlisted_exceptions_weigh_as_unmapped():
    result = score(report(exceptions_count=3))
    assert factor(result, "F5").points == 15 - 3 * 2


def test_exception_points_never_go_below_zero():
    assert factor(score(report(exceptions_count=12)), "F5").points == 0


def test_soc1_exception_on_an_access_objective_is_high_severity():
    exceptions = [{"control_id": "4.2", "criteria": ["Control Objective 4 - Logical access"]}]
    result = score(report(framework="SOC 1", exceptions_count=1, exceptions=exceptions))
    assert factor(result, "F5").points == 12


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"report_type": "type1", "exceptions_count": None}, "NOT_TESTED"),
        ({"framework": "SOC 3", "report_type": None}, "EXCEPTIONS_NOT_DISCLOSED"),
        ({"exceptions_count": None}, "EXCEPTIONS_UNKNOWN"),
    ],
)
def test_reports_without_test_results_get_eight_exception_points(overrides, code):
    result = score(report(**overrides))
    assert (factor(result, "F5").points, factor(result, "F5").reason_code) == (8, code)


def test_scope_points_are_the_share_of_required_categories_rounded_down():
    vendor = profile(uptime_critical=True, personal_data=True)
    result = score(report(trust_services_criteria=["security", "availability"]), vendor=vendor)
    scope = factor(result, "F6")
    assert scope.points == 3  # 5 x 2/3
    assert "privacy" in scope.message


@pytest.mark.parametrize(("icfr", "points"), [(True, 5), (False, 2)])
def test_soc1_scope_depends_on_financial_reporting_relevance(icfr, points):
    result = score(report(framework="SOC 1"), vendor=profile(icfr_relevant=icfr))
    assert factor(result, "F6").points == points


def test_factor_messages_carry_evidence_pages_from_the_report():
    evidence = {"opinion": [{"page": 3, "snippet": "In our opinion, in all material respects"}]}
    result = score(report(evidence=evidence))
    (ref,) = factor(result, "F4").evidence
    assert (ref.document_id, ref.page) == ("report", 3)
    assert ref.snippet.startswith("In our opinion")
