"""Parsing and validating definition files: typed models and errors that point at file:line."""

from pathlib import Path

import pytest

from app.questionnaires.domain.definition import (
    MAPS_TO_KEYS,
    QuestionType,
    content_hash,
    definition_to_yaml,
)
from app.questionnaires.domain.parsing import parse_definition
from app.questionnaires.errors import InvalidDefinition
from app.questionnaires.loader import find_definition, load_definition_file

HEADER = """slug: demo
version: 1
title: Demo
description: Demo questionnaire.
sections:
  - id: main
    title: Main
    questions:
"""


def _parse(questions_yaml: str):
    return parse_definition(HEADER + questions_yaml, "questionnaires/demo/v1.yaml").definition


def _problems(questions_yaml: str) -> list[str]:
    with pytest.raises(InvalidDefinition) as caught:
        _parse(questions_yaml)
    return [str(problem) for problem in caught.value.problems]


def test_unknown_show_if_target_is_reported_with_file_line_and_path(fixtures):
    text = (fixtures / "unknown_show_if.yaml").read_text()
    with pytest.raises(InvalidDefinition) as caught:
        parse_definition(text, "questionnaires/broken/v1.yaml")
    assert str(caught.value) == (
        "questionnaires/broken/v1.yaml:26: sections[1].questions[1].show_if: "
        "unknown question id 'soc2_type'"
    )


def test_show_if_may_only_refer_to_an_earlier_question():
    problems = _problems(
        """      - id: first
        type: yes_no
        text: First?
        show_if: {question: second, equals: "yes"}
      - id: second
        type: yes_no
        text: Second?
"""
    )
    assert problems == [
        "questionnaires/demo/v1.yaml:12: sections[0].questions[0].show_if: "
        "question 'second' must appear before the one it controls"
    ]


def test_unknown_keys_and_wrong_types_are_located():
    problems = _problems(
        """      - id: first
        type: yes_or_no
        text: First?
        colour: blue
"""
    )
    assert any(
        p.startswith("questionnaires/demo/v1.yaml:10: sections[0].questions[0].type:")
        for p in problems
    )
    assert (
        "questionnaires/demo/v1.yaml:12: sections[0].questions[0].colour: unknown key 'colour'"
        in problems
    )


def test_missing_required_field_points_at_the_question():
    problems = _problems(
        """      - id: first
        type: yes_no
"""
    )
    assert problems == [
        "questionnaires/demo/v1.yaml:9: sections[0].questions[0].text: Field required"
    ]


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(InvalidDefinition) as caught:
        parse_definition("slug: demo\nversion: [1\ntitle: x\n", "bad.yaml")
    assert str(caught.value).startswith("bad.yaml:3: invalid YAML")


def test_duplicate_yaml_keys_are_rejected():
    with pytest.raises(InvalidDefinition, match=r"bad.yaml:2: duplicate key 'slug'"):
        parse_definition("slug: demo\nslug: other\n", "bad.yaml")


def test_yaml_aliases_are_rejected():
    text = HEADER + "      - &q {id: a, type: yes_no, text: Question A}\n      - *q\n"
    with pytest.raises(InvalidDefinition, match="aliases are not allowed"):
        parse_definition(text, "bad.yaml")


def test_yes_and_no_stay_strings_so_show_if_can_compare_them():
    definition = _parse(
        """      - id: first
        type: yes_no
        text: First?
      - id: second
        type: short_text
        text: Second?
        show_if: {question: first, equals: yes}
"""
    )
    condition = definition.question("second").show_if
    assert condition.equals == "yes"


def test_question_ids_must_be_unique_across_sections():
    text = HEADER + (
        "      - {id: a, type: yes_no, text: Question A}\n"
        "  - id: other\n    title: Other\n    questions:\n"
        "      - {id: a, type: yes_no, text: Question Again}\n"
    )
    with pytest.raises(
        InvalidDefinition, match=r"sections\[1\]\.questions\[0\]\.id: duplicate question id 'a'"
    ):
        parse_definition(text, "demo.yaml")


@pytest.mark.parametrize(
    ("question_yaml", "expected"),
    [
        (
            "{id: a, type: single_choice, text: Question A, choices: [{value: x, label: X}]}",
            "needs at least two choices",
        ),
        (
            "{id: a, type: yes_no, text: Question A, choices: [{value: x, label: X}, {value: y, label: Y}]}",
            "choices are only allowed",
        ),
        (
            "{id: a, type: single_choice, text: Question A, choices: [{value: x, label: X}, {value: x, label: Y}]}",
            "duplicate choice value 'x'",
        ),
        ("{id: a, type: file_upload, text: Question A}", "needs document_kinds"),
        (
            "{id: a, type: yes_no, text: Question A, document_kinds: [other]}",
            "only allowed on file_upload",
        ),
        (
            "{id: a, type: file_upload, text: Question A, document_kinds: [soc4_report]}",
            "Input should be",
        ),
        ("{id: a, type: short_text, text: Question A, min: 1}", "min is only allowed on number"),
        (
            "{id: a, type: number, text: Question A, min: 5, max: 1}",
            "min (5) is greater than max (1)",
        ),
        ("{id: a, type: yes_no, text: Question A, maps_to: soc2_type}", "Input should be"),
        (
            "{id: a, type: short_text, text: Question A, maps_to: period_end}",
            "'period_end' needs a question of type date",
        ),
        ("{id: A-1, type: yes_no, text: Question A}", "String should match pattern"),
        ("{id: a, type: yes_no, text: '   '}", "String should match pattern"),
    ],
)
def test_question_shape_rules(question_yaml, expected):
    problems = _problems(f"      - {question_yaml}\n")
    assert any(expected in problem for problem in problems), problems


def test_mapped_choice_values_must_use_the_fact_vocabulary():
    problems = _problems(
        """      - id: opinion
        type: single_choice
        text: What opinion did the auditor give?
        maps_to: opinion
        choices:
          - {value: clean, label: Clean}
          - {value: qualified, label: Qualified}
"""
    )
    assert problems == [
        "questionnaires/demo/v1.yaml:14: sections[0].questions[0].choices[0].value: 'clean' is not "
        "a 'opinion' value (expected one of: adverse, disclaimer, qualified, unqualified)"
    ]


def test_a_fact_may_be_mapped_by_only_one_question():
    problems = _problems(
        """      - {id: a, type: date, text: Question A, maps_to: period_end}
      - {id: b, type: date, text: Question B, maps_to: period_end}
"""
    )
    assert problems == [
        "questionnaires/demo/v1.yaml:10: sections[0].questions[1].maps_to: "
        "'period_end' is already mapped by question 'a'"
    ]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{question: a, equals: maybe}", "'maybe' is not a possible answer to 'a'"),
        ("{question: a, all_of: ['yes']}", "all_of needs a multiple_choice question"),
        ("{question: t, equals: hello}", "'t' is short_text; show_if needs one of"),
        (
            "{and: [{question: a, equals: 'yes'}, {question: zz, equals: 'no'}]}",
            "show_if.and[1]: unknown question id 'zz'",
        ),
        ("{question: a}", "a condition needs one of: equals, any_of, all_of, and, or"),
        ("{question: a, equals: 'n/a'}", "'n/a' is not a possible answer to 'a'"),
    ],
)
def test_show_if_values_must_be_possible_answers(condition, expected):
    problems = _problems(
        f"""      - {{id: a, type: yes_no, text: Question A}}
      - {{id: t, type: short_text, text: Question T}}
      - {{id: b, type: yes_no, text: Question B, show_if: {condition}}}
"""
    )
    assert any(expected in problem for problem in problems), problems


def test_every_fact_key_has_an_allowed_question_type():
    from app.questionnaires.domain.definition import MAPS_TO_TYPES

    assert set(MAPS_TO_TYPES) == MAPS_TO_KEYS
    assert len(MAPS_TO_KEYS) == 22


def test_content_hash_is_sha256_of_exact_bytes():
    assert (
        content_hash(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert content_hash(b"abc\n") != content_hash(b"abc")


def test_loading_a_file_records_its_hash_and_checks_its_name(fixtures, tmp_path):
    loaded = find_definition(fixtures / "library", "sample")
    assert loaded.definition.version == 1
    assert loaded.content_hash == content_hash((fixtures / "library/sample/v1.yaml").read_bytes())
    misplaced = tmp_path / "other" / "v2.yaml"
    misplaced.parent.mkdir()
    misplaced.write_bytes((fixtures / "library/sample/v1.yaml").read_bytes())
    with pytest.raises(InvalidDefinition) as caught:
        load_definition_file(misplaced)
    messages = [problem.message for problem in caught.value.problems]
    assert messages == [
        "file name should be v1.yaml to match version",
        "folder should be named 'sample' to match slug",
    ]


def test_definition_yaml_round_trips(fixtures):
    original = find_definition(fixtures / "library", "sample").definition
    again = parse_definition(definition_to_yaml(original), "again.yaml").definition
    assert again == original
    assert again.question("exceptions").type is QuestionType.NUMBER


def test_models_are_frozen(fixtures):
    definition = find_definition(fixtures / "library", "sample").definition
    with pytest.raises(ValueError, match="frozen"):
        definition.title = "changed"  # type: ignore[misc]


def test_missing_definition_is_a_clear_error(fixtures):
    from app.questionnaires.errors import DefinitionNotFound

    with pytest.raises(DefinitionNotFound, match="no questionnaire 'nope'"):
        find_definition(fixtures / "library", "nope")
    with pytest.raises(DefinitionNotFound, match="has no version 9"):
        find_definition(fixtures / "library", "sample", 9)


def test_non_utf8_file_is_rejected(tmp_path: Path):
    path = tmp_path / "demo" / "v1.yaml"
    path.parent.mkdir()
    path.write_bytes(b"title: \xff\xfe")
    with pytest.raises(InvalidDefinition, match="not UTF-8"):
        load_definition_file(path)
