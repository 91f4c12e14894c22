"""Requirements per tier: each questionnaire or document a tier needs and lacks is a finding."""

from __future__ import annotations

from datetime import date

import pytest
from scoring_builders import bridge, codes, profile, report, score

from app.scoring.domain.policy import load_policy
from app.scoring.domain.requirements import months_before
from app.scoring.errors import PolicyError
from app.scoring.policy_loader import check_questionnaires, default_policy_text, load_policy_file

ANSWERED_ALL = {
    "questionnaires_submitted": ["security-baseline", "soc-assurance"],
    "uploads_answered": ["security-baseline/penetration_test_summary"],
}


def missing(result):
    return [item.message for item in result.findings if item.code == "REQUIREMENT_MISSING"]


def test_a_critical_vendor_with_everything_has_no_missing_requirement():
    result = score(report(), answers=ANSWERED_ALL, vendor=profile(inherent_tier="critical"))
    assert missing(result) == []


def test_a_critical_vendor_missing_everything_gets_one_finding_per_requirement():
    result = score(
        answers={"questionnaires_submitted": []}, vendor=profile(inherent_tier="critical")
    )
    messages = missing(result)
    assert len(messages) == 4
    assert "answers the \u201csecurity-baseline\u201d questionnaire" in messages[0]
    assert "answers the \u201csoc-assurance\u201d questionnaire" in messages[1]
    assert "needs a SOC 2 Type 2 report whose period ended within 15 months" in messages[2]
    assert messages[2].endswith("none is on file.")
    assert "penetration-test summary" in messages[3]


def test_unknown_submissions_check_nothing():
    # Callers that do not say what the vendor submitted (a bare facts file) get no findings.
    assert missing(score(vendor=profile(inherent_tier="critical"))) == []


def test_a_low_vendor_needs_only_the_profile_questionnaire():
    low = profile(inherent_tier="low")
    assert (
        missing(score(answers={"questionnaires_submitted": ["vendor-profile"]}, vendor=low)) == []
    )
    messages = missing(score(answers={"questionnaires_submitted": []}, vendor=low))
    assert len(messages) == 1 and "\u201cvendor-profile\u201d" in messages[0]


def test_a_missing_questionnaire_is_named_by_its_title_when_the_library_gives_one():
    answers = {
        "questionnaires_submitted": [],
        "questionnaire_titles": {"vendor-profile": "Vendor profile"},
    }
    messages = missing(score(answers=answers, vendor=profile(inherent_tier="low")))
    assert messages == [
        "Requirement: a low vendor answers the \u201cVendor profile\u201d questionnaire; "
        "it has not submitted it."
    ]


def test_the_report_must_cover_the_criteria_the_profile_needs():
    vendor = profile(inherent_tier="high", personal_data=True, uptime_critical=True)
    result = score(
        report(trust_services_criteria=["security", "availability"]),
        answers=ANSWERED_ALL,
        vendor=vendor,
    )
    assert missing(result) == [
        "Requirement: a high vendor needs a SOC 2 Type 2 report whose period ended within 15 "
        "months of 2025-06-30, covering security, availability, privacy; report does not "
        "cover privacy."
    ]


def test_an_old_report_needs_a_bridge_letter_and_a_too_old_one_does_not_count():
    critical = profile(inherent_tier="critical")
    aged = report(period_start="2023-06-01", period_end="2024-05-31")  # 13 months at review
    messages = missing(score(aged, answers=ANSWERED_ALL, vendor=critical))
    assert len(messages) == 1 and "needs a bridge letter" in messages[0]
    letter = bridge(period_end="2024-05-31", bridge_through="2024-08-31")
    assert missing(score(aged, letter, answers=ANSWERED_ALL, vendor=critical)) == []
    stale = report(period_start="2023-01-01", period_end="2023-12-31")
    messages = missing(score(stale, answers=ANSWERED_ALL, vendor=critical))
    assert ["ended 2023-12-31" in message for message in messages] == [True]


def test_requirements_are_versioned_with_the_policy():
    v2 = load_policy(default_policy_text().split("\nrequirements:")[0].replace("-v3", "-v2"))
    assert v2.requirements is None
    result = score(answers={"questionnaires_submitted": []}, policy=v2)
    assert missing(result) == []


def test_months_before_keeps_the_day_or_takes_the_month_end():
    assert months_before(date(2025, 6, 30), 12) == date(2024, 6, 30)
    assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert months_before(date(2025, 1, 15), 15) == date(2023, 10, 15)


def test_the_packaged_requirements_name_upload_questions_that_exist():
    check_questionnaires(load_policy(default_policy_text()))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{kind: soc2_type2, max_age_months: 15}   #", "{kind: soc2_type3}   #", "soc2_type3"),
        (
            "when_report_older_than_months: 12}",
            "when_report_older_than_months: 15}",
            "before the report stops counting",
        ),
        ("      - {kind: soc2_type2, max_age_months: 15}   #", "      #", "require one"),
        ("max_age_months: 15}   #", "max_age_months: 0}   #", "greater than or equal to 1"),
        ("  moderate:\n    documents: []", "  moderate:\n    documents: [7]", "moderate"),
        ("  low:\n    documents: []\n", "", "requirements.low"),
        (
            "penetration_test_summary\n        label: penetration-test summary\n  high",
            "penetration_test_summary\n        label: ''\n  high",
            "label",
        ),
    ],
)
def test_bad_requirements_are_refused_with_a_readable_reason(old, new, message):
    text = default_policy_text()
    assert old in text
    with pytest.raises(PolicyError, match=message):
        load_policy(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "question", ["security-baseline/no_such_question", "security-baseline/penetration_test"]
)
def test_a_requirement_naming_no_upload_question_is_refused(tmp_path, question):
    path = tmp_path / "policy.yaml"
    path.write_text(
        default_policy_text().replace("security-baseline/penetration_test_summary", question, 1)
    )
    with pytest.raises(PolicyError, match="is not a file-upload question"):
        load_policy_file(path)


def test_requirement_findings_come_with_the_others_in_a_fixed_order():
    result = score(answers={"questionnaires_submitted": []}, vendor=profile(inherent_tier="low"))
    assert codes(result.findings) == ["REQUIREMENT_MISSING"]
