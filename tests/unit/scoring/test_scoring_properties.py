"""Properties that must hold for every input, checked with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import AS_OF, bridge, profile, report, score

from app.scoring.domain.inputs import VendorProfile

CRITERIA = [
    "CC1.1",
    "CC2.1",
    "CC3.2",
    "CC5.1",
    "CC6.1",
    "CC6.3",
    "CC7.2",
    "CC8.1",
    "A1.2",
    "C1.1",
    "PI1.3",
    "P4.1",
]
CATEGORIES = ["security", "availability", "confidentiality", "processing_integrity", "privacy"]

fast = settings(max_examples=60, deadline=None)


@st.composite
def reports(draw: st.DrawFn, framework: str | None = None) -> dict[str, Any]:
    """Draw a SOC report with arbitrary dates, opinion, exceptions and scope."""
    framework = framework or draw(st.sampled_from(["SOC 1", "SOC 2", "SOC 3"]))
    end = AS_OF - timedelta(days=draw(st.integers(min_value=-30, max_value=700)))
    length = draw(st.integers(min_value=30, max_value=450))
    items = draw(st.lists(st.sampled_from(CRITERIA), max_size=8))
    exceptions = [{"control_id": f"X{i}", "criteria": [ref]} for i, ref in enumerate(items)]
    return report(
        framework=framework,
        report_type=None if framework == "SOC 3" else draw(st.sampled_from(["type1", "type2"])),
        period_start=(end - timedelta(days=length - 1)).isoformat(),
        period_end=end.isoformat(),
        report_date=draw(st.sampled_from([None, (end + timedelta(days=45)).isoformat()])),
        service_auditor=draw(st.sampled_from([None, "Halvorsen & Pike LLP"])),
        opinion=draw(st.sampled_from([None, "unqualified", "qualified", "adverse", "disclaimer"])),
        opinion_affected_refs=draw(st.lists(st.sampled_from(CRITERIA), max_size=2)),
        exceptions_count=draw(st.sampled_from([None, len(items), len(items) + 2])),
        exceptions=exceptions,
        trust_services_criteria=draw(st.lists(st.sampled_from(CATEGORIES), unique=True)),
    )


@st.composite
def profiles(draw: st.DrawFn) -> VendorProfile:
    """Draw a vendor profile with arbitrary needs."""
    flags = [
        "personal_data",
        "confidential_data",
        "uptime_critical",
        "transaction_processing",
        "icfr_relevant",
    ]
    return profile(
        inherent_tier=draw(st.sampled_from(["critical", "high", "moderate", "low"])),
        **{flag: draw(st.booleans()) for flag in flags},
    )


def _shift(data: dict[str, Any], days: int) -> dict[str, Any]:
    moved = dict(data)
    for key in ("period_start", "period_end", "report_date"):
        if moved.get(key):
            moved[key] = (date.fromisoformat(moved[key]) - timedelta(days=days)).isoformat()
    return moved


@fast
@given(reports(), profiles(), st.integers(min_value=1, max_value=600))
def test_an_older_report_never_scores_higher(data, vendor, days):
    assert score(_shift(data, days), vendor=vendor).score <= score(data, vendor=vendor).score


@fast
@given(reports(framework="SOC 2") | reports(framework="SOC 1"), profiles())
def test_type2_never_scores_below_type1(data, vendor):
    type1 = score({**data, "report_type": "type1"}, vendor=vendor).score
    type2 = score({**data, "report_type": "type2"}, vendor=vendor).score
    assert type2 >= type1


@fast
@given(reports(), profiles())
def test_unqualified_beats_qualified_beats_adverse_and_disclaimer(data, vendor):
    by_opinion = {
        opinion: score({**data, "opinion": opinion}, vendor=vendor).score
        for opinion in ("unqualified", "qualified", "adverse", "disclaimer")
    }
    assert by_opinion["unqualified"] >= by_opinion["qualified"] >= by_opinion["adverse"]
    assert by_opinion["qualified"] >= by_opinion["disclaimer"]


@fast
@given(reports(), profiles(), st.integers(min_value=1, max_value=6))
def test_more_exceptions_never_raise_the_score(data, vendor, more):
    fewer = {**data, "exceptions_count": len(data["exceptions"])}
    extra = [{"control_id": f"Y{i}", "criteria": ["CC1.1"]} for i in range(more)]
    worse = {**data, "exceptions": data["exceptions"] + extra, "exceptions_count": None}
    counted = {**fewer, "exceptions_count": fewer["exceptions_count"] + more}
    base = score(fewer, vendor=vendor).score
    assert score(worse, vendor=vendor).score <= base
    assert score(counted, vendor=vendor).score <= base


@fast
@given(reports(), profiles(), st.integers(min_value=1, max_value=92))
def test_a_valid_bridge_letter_never_lowers_the_score(data, vendor, days):
    end = date.fromisoformat(data["period_end"])
    letter = bridge(
        framework=data["framework"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        bridge_through=(end + timedelta(days=days)).isoformat(),
    )
    assert score(data, letter, vendor=vendor).score >= score(data, vendor=vendor).score


@fast
@given(st.lists(reports(), min_size=1, max_size=3), profiles())
def test_factors_always_add_up_to_the_score_before_caps(documents, vendor):
    numbered = [{**doc, "document_id": f"d{index}"} for index, doc in enumerate(documents)]
    result = score(*numbered, vendor=vendor)
    assert sum(item.points for item in result.factors) == result.pre_cap_score
    assert result.score is not None and 0 <= result.score <= result.pre_cap_score <= 100
    assert all(0 <= item.points <= item.max for item in result.factors)


@fast
@given(st.lists(reports(), min_size=1, max_size=3), profiles())
def test_same_inputs_give_the_same_output_whatever_the_document_order(documents, vendor):
    numbered = [{**doc, "document_id": f"d{index}"} for index, doc in enumerate(documents)]
    first = score(*numbered, vendor=vendor)
    assert score(*numbered, vendor=vendor) == first
    reordered = score(*reversed(numbered), vendor=vendor)
    assert (reordered.score, reordered.best_document_id) == (first.score, first.best_document_id)
