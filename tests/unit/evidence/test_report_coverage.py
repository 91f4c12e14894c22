"""Which control questions a report answers: current, unqualified, tested, no exception."""

from __future__ import annotations

from datetime import date

from app.evidence.domain.report_coverage import report_coverage
from app.questionnaires.domain.criteria_crosswalk import parse_crosswalk
from app.scoring.domain.inputs import parse_facts

TODAY = date(2026, 12, 6)
CROSSWALK = parse_crosswalk(
    {
        "slug": "security-baseline",
        "questions": {
            "mfa_admin_access": {"criteria": ["CC6.1"], "answer": "yes"},
            "least_privilege": {"criteria": ["CC6.3", "CC6.1"], "answer": "yes"},
            "code_review": {"criteria": ["CC8.1"], "answer": "yes"},
            "backups": {"criteria": ["A1.2"], "answer": "yes"},
        },
    }
)
TESTED = [{"page": 15, "snippet": "CC6.1"}, {"page": 19, "snippet": "CC8.1"}]


def _report(document_id: str = "7", **values):
    data = {
        "document_id": document_id,
        "doc_kind": "soc_report",
        "framework": "SOC 2",
        "report_type": "type2",
        "opinion": "unqualified",
        "period_start": "2025-10-01",
        "period_end": "2026-09-30",
        "exceptions_count": 0,
        "evidence": {"tested_criteria": TESTED},
        **values,
    }
    return parse_facts(data, default_document_id=document_id)


def test_a_clean_current_report_answers_the_questions_whose_criteria_it_tested():
    coverage = report_coverage(CROSSWALK, {"7": _report()}, TODAY)
    assert set(coverage.covered) == {"mfa_admin_access", "least_privilege", "code_review"}
    item = coverage.covered["least_privilege"]
    assert (item.criterion, item.page, item.document_id) == ("CC6.1", 15, "7")
    assert item.note == (
        "Covered by your SOC 2 Type 2 report: tested under CC6.1, page 15, no exceptions noted"
    )


def test_an_exception_under_a_criterion_leaves_its_questions_open_with_the_exception():
    failed = {"control_id": "CC8.1.2", "criteria": ["CC8.1"], "result": "One change", "page": 19}
    report = _report(exceptions_count=1, exceptions=[failed])
    coverage = report_coverage(CROSSWALK, {"7": report}, TODAY)
    assert "code_review" not in coverage.covered
    assert coverage.open_by_exception["code_review"][0].result == "One change"
    assert "mfa_admin_access" in coverage.covered


def test_an_exception_under_no_known_criterion_answers_nothing():
    report = _report(exceptions_count=2, exceptions=[{"criteria": ["CC8.1"], "page": 19}])
    assert report_coverage(CROSSWALK, {"7": report}, TODAY).covered == {}


def test_a_qualified_stale_type1_or_soc3_report_answers_nothing():
    others = [
        _report(opinion="qualified"),
        _report(period_end="2025-06-30"),
        _report(report_type="type1"),
        _report(framework="SOC 3", report_type=None),
        _report(evidence={}),
    ]
    for report in others:
        assert report_coverage(CROSSWALK, {"7": report}, TODAY).covered == {}


def test_the_newest_current_report_is_the_one_that_answers():
    older = _report("1", period_end="2026-03-31", evidence={"tested_criteria": TESTED[:1]})
    newer = _report("2")
    coverage = report_coverage(CROSSWALK, {"1": older, "2": newer}, TODAY)
    assert coverage.document_id == "2"
    assert "code_review" in coverage.covered
