"""Wording linter: the example table, precision/recall, scopes and definition locations."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from app.questionnaires.domain.lint import RULES, Severity, TextScope, lint_definition, lint_text
from app.questionnaires.domain.parsing import parse_definition

CASES = yaml.safe_load((Path(__file__).parent / "lint_cases.yaml").read_text())["cases"]


def _rules(text, **kwargs):
    return sorted(finding.rule for finding in lint_text(text, **kwargs))


def test_the_table_is_big_and_covers_every_rule():
    assert len(CASES) >= 80
    assert sum(1 for case in CASES if not case["rules"]) >= 30
    assert {rule for case in CASES for rule in case["rules"]} == set(RULES)


@pytest.mark.parametrize("case", CASES, ids=[case["text"][:60] for case in CASES])
def test_each_example_triggers_exactly_its_expected_rules(case):
    assert _rules(case["text"]) == sorted(case["rules"])


def test_precision_and_recall_per_rule_with_no_false_positive_on_correct_wording():
    true_pos, false_pos, false_neg = Counter(), Counter(), Counter()
    flagged_correct = []
    for case in CASES:
        expected, got = set(case["rules"]), set(_rules(case["text"]))
        for rule in got & expected:
            true_pos[rule] += 1
        for rule in got - expected:
            false_pos[rule] += 1
        for rule in expected - got:
            false_neg[rule] += 1
        if not expected and got:
            flagged_correct.append(case["text"])
    lines = ["", f"{'rule':24} precision recall  (tp/fp/fn)"]
    for rule in RULES:
        tp, fp, fn = true_pos[rule], false_pos[rule], false_neg[rule]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"{rule:24} {precision:9.2f} {recall:6.2f}  ({tp}/{fp}/{fn})")
    print("\n".join(lines))  # noqa: T201
    assert flagged_correct == []
    assert sum(false_pos.values()) == 0
    assert sum(false_neg.values()) == 0


def test_findings_carry_severity_message_and_a_suggestion():
    (finding,) = lint_text("Are you SOC 1 certified?")
    assert finding.severity is Severity.ERROR
    assert "attestation" in finding.message
    assert "SOC 1 Type 2 report" in finding.suggestion


def test_missing_type_is_only_informational():
    (finding,) = lint_text("Do you have a SOC 2 report?")
    assert (finding.rule, finding.severity) == ("soc2-missing-type", Severity.INFO)


def test_soc2_compliant_is_accepted_with_a_warning_that_it_names_no_type():
    (finding,) = lint_text("Are you SOC 2 compliant?")
    assert (finding.rule, finding.severity) == ("soc2-compliance-no-type", Severity.WARNING)


def test_prose_scope_applies_only_terminology_rules():
    help_text = "If you have a SOC 2 report, upload it. Do you have other evidence? Is it current?"
    assert _rules(help_text) == ["double-barrelled", "soc2-missing-type"]
    assert _rules(help_text, scope=TextScope.PROSE) == []
    assert _rules("SOC 2 certified", scope=TextScope.PROSE) == ["soc-certification"]


def test_explaining_that_a_standard_is_superseded_is_not_flagged():
    assert _rules("SSAE 16 was superseded by SSAE 18 in 2017.", scope=TextScope.PROSE) == []


def test_empty_text_has_no_findings():
    assert lint_text("  ?! ") == []


def test_lint_definition_locates_findings_by_question_and_field():
    text = """slug: demo
version: 1
title: Demo
description: Demo.
sections:
  - id: main
    title: Main
    questions:
      - id: certified
        type: single_choice
        text: Which assurance do you hold?
        help: Answer yes if you are ISO 27001 compliant.
        choices:
          - {value: soc2, label: SOC 2 certification}
          - {value: iso, label: ISO/IEC 27001 certificate}
      - id: fine
        type: yes_no
        text: Do you hold a current SOC 2 Type 2 report?
"""
    parsed = parse_definition(text, "demo.yaml")
    located = lint_definition(parsed.definition)
    summary = [
        (f.question_id, f.path_text, f.finding.rule, parsed.line_for(f.path)) for f in located
    ]
    assert summary == [
        ("certified", "sections[0].questions[0].help", "iso27001-compliance", 12),
        ("certified", "sections[0].questions[0].choices[0].label", "soc-certification", 14),
    ]


def test_pathological_whitespace_does_not_slow_the_linter():
    import time

    started = time.perf_counter()
    lint_text("SOC" + " " * 200_000 + "x ISO" + "\t" * 100_000 + "27001 compliant")
    assert time.perf_counter() - started < 1.0


AI_RULES = ("ai-act-certification", "iso42001-compliance", "soc2-for-ai", "certified-safe-ai")


@pytest.mark.parametrize("rule_id", AI_RULES)
def test_each_ai_rule_quotes_a_rewording_that_itself_lints_clean(rule_id):
    suggestion = RULES[rule_id].suggestion
    quoted = [part for part in suggestion.split("'") if part.rstrip().endswith("?")]
    assert quoted
    for question in quoted:
        assert _rules(question) == [], question


def test_ai_wording_traps_are_errors_or_warnings_with_a_reason():
    act, iso, soc, safe = (
        lint_text(text)[0]
        for text in (
            "Are you AI Act certified?",
            "Are you ISO 42001 compliant?",
            "Do you have a SOC 2 for AI?",
            "Is your AI certified safe?",
        )
    )
    assert (act.severity, soc.severity) == (Severity.ERROR, Severity.ERROR)
    assert (iso.severity, safe.severity) == (Severity.WARNING, Severity.WARNING)
    assert "role" in act.suggestion
    assert "certificate" in iso.suggestion
    assert "system description" in soc.suggestion


def test_ai_terms_in_help_text_are_checked_but_explaining_them_is_not_flagged():
    assert _rules("Upload your EU AI Act certificate.", scope=TextScope.PROSE) == [
        "ai-act-certification"
    ]
    assert _rules("AI SOC 2 report", scope=TextScope.PROSE) == ["soc2-for-ai"]
    explained = "There is no EU AI Act certification; the Act sets obligations by role."
    assert _rules(explained, scope=TextScope.PROSE) == []
