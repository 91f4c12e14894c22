"""Parsing facts, answers and profiles: lenient about spelling, strict about types."""

from __future__ import annotations

import pytest
from scoring_builders import labels, report

from app.reports.domain.names import normalize_name
from app.scoring.domain.inputs import parse_answers, parse_facts, parse_profile
from app.scoring.errors import InputError


def test_every_corpus_label_is_a_valid_facts_object():
    parsed = [parse_facts(item, default_document_id=item["file"]) for item in labels()]
    assert [item.document_id for item in parsed][:2] == ["a01.pdf", "a02.pdf"]
    assert {item.doc_kind for item in parsed} == {
        "soc_report",
        "bridge_letter",
        "iso_certificate",
        "other",
    }


def test_common_spellings_are_normalised():
    facts = parse_facts(
        report(
            framework="SOC2",
            report_type="Type II",
            opinion="Unqualified",
            subservice_method="Carve Out",
            trust_services_criteria=["Security", "Processing Integrity"],
        ),
        default_document_id="x",
    )
    assert (facts.framework, facts.report_type, facts.opinion) == ("SOC 2", "type2", "unqualified")
    assert facts.subservice_method == "carve-out"
    assert facts.trust_services_criteria == ("security", "processing_integrity")


def test_unknown_extra_keys_are_ignored_and_document_id_defaults_to_the_given_name():
    facts = parse_facts(
        {"doc_kind": "other", "file": "a13.pdf", "pages": 3}, default_document_id="a13.json"
    )
    assert facts.document_id == "a13.json"


def test_corrections_override_extracted_values():
    facts = parse_facts(report(corrections={"exceptions_count": 4}), default_document_id="x")
    assert facts.exceptions_count == 4
    assert facts.confidence_of("exceptions_count") == 1.0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"exceptions_count": "many"}, "exceptions_count"),
        ({"exceptions_count": True}, "exceptions_count"),
        ({"period_end": "2024-02-30"}, "period_end"),
        ({"framework": "SOC 7"}, "framework"),
        ({"confidence": {"opinion": 1.5}}, "confidence"),
        ({"doc_kind": "memo"}, "doc_kind"),
        ({"corrections": ["opinion"]}, "corrections"),
    ],
)
def test_facts_with_wrong_types_are_rejected_naming_the_field(overrides, field):
    with pytest.raises(InputError, match=field):
        parse_facts(report(**overrides), default_document_id="x")


def test_answers_accept_booleans_for_yes_no_claims_and_ignore_unknown_keys():
    answers = parse_answers({"holds_current_soc2_type2": True, "cuecs": "no", "colour": "blue"})
    assert (answers.holds_current_soc2_type2, answers.cuecs) == ("yes", False)
    assert answers.has_exceptions is None


def test_answers_with_wrong_types_are_rejected():
    with pytest.raises(InputError, match="period_end"):
        parse_answers({"period_end": "last spring"})


def test_profile_rejects_unknown_keys_so_typos_surface():
    with pytest.raises(InputError, match="uptime_critcal"):
        parse_profile({"inherent_tier": "high", "uptime_critcal": True})


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Halvorsen & Pike LLP", "halvorsen & pike"),
        ("Amazon Web Services, Inc.", "Amazon Web Services"),
        ("Brightwater Assurance Group, P.C.", "Brightwater Assurance Group"),
    ],
)
def test_names_match_regardless_of_punctuation_case_and_legal_suffix(left, right):
    assert normalize_name(left) == normalize_name(right)
