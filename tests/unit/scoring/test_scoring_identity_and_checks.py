"""Which documents are the vendor's, and each answer checked against the document it concerns."""

from __future__ import annotations

from datetime import date

import pytest
from scoring_builders import AS_OF, POLICY, report

from app.scoring.domain.claim_checks import check_claims, same
from app.scoring.domain.identity import names_match, organization_key
from app.scoring.domain.inputs import parse_answers, parse_facts, parse_profile
from app.scoring.domain.rules import score_vendor


@pytest.mark.parametrize(
    ("document", "names", "domain"),
    [
        ("ORCHARD LANE BENEFITS, INC.", ["Orchard Lane Benefits Inc"], ""),
        ("Orchard Lane Benefits's System", ["Orchard Lane Benefits, LLC"], ""),
        ("Lumenary Cloud, Inc.", ["Lumenary"], ""),
        ("The Zürich Data Company AG", ["Zurich Data Company"], ""),
        ("Corvid Metrics", ["Something Else"], "corvidmetrics.com"),
    ],
)
def test_the_vendors_names_match_however_they_are_written(document, names, domain):
    assert names_match(document, names, domain)


@pytest.mark.parametrize(
    ("document", "names"),
    [
        ("Amazon Web Services, Inc.", ["Orchard Lane Benefits"]),
        ("Lumenary Cloud, Inc.", ["Luminary Cloud"]),
        ("Google LLC", ["Goodle"]),
    ],
)
def test_other_organisations_do_not_match(document, names):
    assert not names_match(document, names)


def test_possessives_and_articles_are_not_part_of_the_name():
    assert organization_key("The Orchard Lane Benefits' Platform") == "orchard lane benefits"


def test_equal_values_are_never_a_contradiction():
    assert same("period_start", "2023-10-01", date(2023, 10, 1))
    assert same("service_auditor", "halvorsen & pike", "Halvorsen & Pike LLP")
    assert same("trust_services_criteria", ["availability"], ["security", "availability"])
    assert same("subservice_organizations", ["AWS Inc."], ["aws"])
    assert not same("report_type", "type2", "type1")


def _profile(**extra):
    return parse_profile({"inherent_tier": "high", **extra})


def test_a_soc2_answer_is_never_checked_against_a_soc3():
    soc3 = parse_facts(
        report(document_id="soc3", framework="SOC 3", report_type=None, period_end="2025-03-31"),
        default_document_id="soc3",
    )
    answers = parse_answers(
        {
            "report_type": "type2",
            "period_end": "2025-04-30",
            "targets": {"period_end": {"kinds": ["soc2_report"], "documents": []}},
        }
    )
    checks = {c.claim: c for c in check_claims(answers, (soc3,), soc3, AS_OF, POLICY)}
    assert checks["period_end"].status == "not_checked"
    assert checks["period_end"].note == "no SOC 2 report on file"


def test_an_answer_given_beside_an_upload_is_checked_against_that_upload():
    type1 = parse_facts(
        report(document_id="t1", report_type="type1", period_start=None), default_document_id="t1"
    )
    type2 = parse_facts(report(document_id="t2"), default_document_id="t2")
    answers = parse_answers(
        {"report_type": "type2", "targets": {"report_type": {"documents": ["t1"]}}}
    )
    checks = check_claims(answers, (type1, type2), type2, AS_OF, POLICY)
    assert checks[0].document_id == "t1" and checks[0].status == "contradiction"


def test_a_document_about_another_organisation_earns_nothing_and_is_named():
    result = score_vendor(
        [report(service_organization="Amazon Web Services, Inc.")],
        {},
        _profile(organization_names=["Orchard Lane Benefits"]),
        AS_OF,
        POLICY,
    )
    assert result.score is None and result.candidates == ()
    (finding,) = [f for f in result.findings if f.code == "DOCUMENT_OTHER_ORGANIZATION"]
    assert "Amazon Web Services, Inc." in finding.message
    assert "Orchard Lane Benefits" in finding.message


def test_without_the_vendors_names_nothing_is_refused():
    result = score_vendor([report()], {}, _profile(), AS_OF, POLICY)
    assert result.score is not None
