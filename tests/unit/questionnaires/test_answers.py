"""Conditional display, answer validation and claims derived from answers."""

import pytest

from app.questionnaires.domain.answer_rules import (
    AnswerProblemCode,
    check_answer,
    claims_from_answers,
    validate_answers,
    visible_questions,
)
from app.questionnaires.domain.definition import Question
from app.questionnaires.domain.parsing import parse_definition
from app.questionnaires.errors import InvalidDefinition
from app.questionnaires.loader import find_definition


@pytest.fixture
def sample(fixtures):
    return find_definition(fixtures / "library", "sample").definition


def _ids(questions):
    return [question.id for question in questions]


def _codes(problems):
    return {(problem.question_id, problem.code) for problem in problems}


def test_follow_ups_are_hidden_until_their_condition_holds(sample):
    assert _ids(visible_questions(sample, {})) == ["holds_report", "comments"]
    assert _ids(visible_questions(sample, {"holds_report": "no"})) == ["holds_report", "comments"]


def test_yes_shows_the_follow_ups_and_and_conditions_need_every_part(sample):
    shown = _ids(visible_questions(sample, {"holds_report": "yes", "report_type": "type1"}))
    assert shown == [
        "holds_report",
        "report_type",
        "criteria",
        "exceptions",
        "report_file",
        "comments",
    ]
    shown = _ids(visible_questions(sample, {"holds_report": "yes", "report_type": "type2"}))
    assert "period_end" in shown


def test_all_of_needs_every_listed_choice(sample):
    answers = {"holds_report": "yes", "criteria": ["security"]}
    assert "privacy_notice" not in _ids(visible_questions(sample, answers))
    answers["criteria"] = ["privacy", "security"]
    assert "privacy_notice" in _ids(visible_questions(sample, answers))


def test_answers_to_a_hidden_question_do_not_reveal_its_follow_ups(sample):
    # report_type is hidden (holds_report = no), so its stale "type2" must not show period_end.
    answers = {"holds_report": "no", "report_type": "type2"}
    assert "period_end" not in _ids(visible_questions(sample, answers))


def test_required_visible_questions_must_be_answered(sample):
    problems = validate_answers(sample, {"holds_report": "yes"})
    assert _codes(problems) == {
        ("report_type", AnswerProblemCode.MISSING_REQUIRED),
        ("criteria", AnswerProblemCode.MISSING_REQUIRED),
        ("exceptions", AnswerProblemCode.MISSING_REQUIRED),
        ("report_file", AnswerProblemCode.MISSING_REQUIRED),
    }


def test_hidden_required_questions_are_not_demanded(sample):
    assert validate_answers(sample, {"holds_report": "no"}) == []


def test_a_complete_valid_answer_set_has_no_problems(sample):
    answers = {
        "holds_report": "yes",
        "report_type": "type2",
        "criteria": ["security", "availability"],
        "period_end": "2025-06-30",
        "exceptions": 2,
        "report_file": ["doc-1"],
        "comments": "",
    }
    assert validate_answers(sample, answers) == []


@pytest.mark.parametrize(
    ("question", "value", "code"),
    [
        ("holds_report", "true", AnswerProblemCode.INVALID_CHOICE),
        ("holds_report", "n/a", AnswerProblemCode.NOT_APPLICABLE_NOT_ALLOWED),
        ("report_type", "type3", AnswerProblemCode.INVALID_CHOICE),
        ("report_type", ["type2"], AnswerProblemCode.WRONG_TYPE),
        ("criteria", "security", AnswerProblemCode.WRONG_TYPE),
        ("criteria", ["security", "security"], AnswerProblemCode.INVALID_CHOICE),
        ("criteria", ["security", "integrity"], AnswerProblemCode.INVALID_CHOICE),
        ("exceptions", "3", AnswerProblemCode.WRONG_TYPE),
        ("exceptions", True, AnswerProblemCode.WRONG_TYPE),
        ("exceptions", float("nan"), AnswerProblemCode.WRONG_TYPE),
        ("exceptions", -1, AnswerProblemCode.OUT_OF_RANGE),
        ("exceptions", 501, AnswerProblemCode.OUT_OF_RANGE),
        ("report_file", [""], AnswerProblemCode.WRONG_TYPE),
        ("comments", 42, AnswerProblemCode.WRONG_TYPE),
        ("comments", "x" * 20_001, AnswerProblemCode.TOO_LONG),
    ],
)
def test_answers_of_the_wrong_shape_are_reported(sample, question, value, code):
    answers = {
        "holds_report": "yes",
        "report_type": "type1",
        "criteria": ["security"],
        "exceptions": 0,
        "report_file": "doc-1",
        question: value,
    }
    assert _codes(validate_answers(sample, answers)) == {(question, code)}


@pytest.mark.parametrize("value", ["30/06/2025", "2025-02-30", "2025-6-30", 20250630])
def test_dates_must_be_real_iso_dates(sample, value):
    answers = {"holds_report": "yes", "report_type": "type2", "criteria": ["security"]}
    answers |= {"exceptions": 0, "report_file": "doc-1", "period_end": value}
    assert _codes(validate_answers(sample, answers)) == {
        ("period_end", AnswerProblemCode.INVALID_DATE)
    }


def test_not_applicable_is_accepted_only_where_allowed(sample):
    answers = {"holds_report": "yes", "report_type": "type1", "criteria": ["security"]}
    answers |= {"exceptions": "n/a", "report_file": "doc-1"}
    assert validate_answers(sample, answers) == []


def test_unknown_question_ids_are_reported(sample):
    problems = validate_answers(sample, {"holds_report": "no", "soc2_type": "type2"})
    assert _codes(problems) == {("soc2_type", AnswerProblemCode.UNKNOWN_QUESTION)}


def test_claims_come_from_visible_valid_mapped_answers(sample):
    answers = {
        "holds_report": "yes",
        "report_type": "type2",
        "criteria": ["security", "privacy"],
        "period_end": "2025-06-30",
        "exceptions": "n/a",
        "comments": "unmapped",
    }
    assert claims_from_answers(sample, answers) == {
        "holds_current_soc2_type2": "yes",
        "report_type": "type2",
        "trust_services_criteria": ["security", "privacy"],
        "period_end": "2025-06-30",
    }


def test_claims_ignore_hidden_and_invalid_answers(sample):
    answers = {"holds_report": "no", "report_type": "type2", "exceptions": 3}
    assert claims_from_answers(sample, answers) == {"holds_current_soc2_type2": "no"}
    answers = {"holds_report": "yes", "report_type": "type9"}
    assert claims_from_answers(sample, answers) == {"holds_current_soc2_type2": "yes"}


def _trust_center_question(**extra):
    return Question.model_validate(
        {
            "id": "report_location",
            "type": "trust_center",
            "text": "Where in your trust center is the SOC 2 Type 2 report published?",
            "document_kinds": ["soc2_report"],
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (["https://trust.example.com/soc2", "nda"], True),
        (["http://trust.example.com", "click_through"], True),
        (["https://trust.example.com", "handshake"], False),
        (["trust.example.com", "nda"], False),
        (["javascript:alert(1)", "nda"], False),
        (["https://trust.example.com"], False),
        ("https://trust.example.com", False),
    ],
)
def test_a_trust_center_answer_is_a_web_address_and_known_terms(value, accepted):
    assert (check_answer(_trust_center_question(), value) is None) is accepted


def test_a_trust_center_question_says_which_reports_it_expects():
    text = """slug: demo
version: 1
title: Demo
description: Demo.
sections:
  - id: main
    title: Main
    questions:
      - id: where
        type: trust_center
        text: Where in your trust center is the SOC 2 Type 2 report published?
"""
    with pytest.raises(InvalidDefinition, match="a trust_center question needs document_kinds"):
        parse_definition(text, "d")
