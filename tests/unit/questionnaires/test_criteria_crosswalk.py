"""The security-baseline crosswalk names real questions, real criteria and accepted answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.questionnaires.criteria_crosswalks import CROSSWALK_FILE
from app.questionnaires.domain.criteria_crosswalk import (
    InvalidCrosswalk,
    crosswalk_problems,
    parse_crosswalk,
)
from app.questionnaires.domain.yaml_source import load_yaml_with_lines
from app.questionnaires.loader import definition_files, load_definition_file

LIBRARY = Path(__file__).resolve().parents[3] / "questionnaires"


def _crosswalk(slug: str):
    path = LIBRARY / slug / CROSSWALK_FILE
    return parse_crosswalk(load_yaml_with_lines(path.read_text(), path.name)[0])


def test_every_version_of_a_questionnaire_with_a_crosswalk_fits_it():
    checked = 0
    for path in definition_files(LIBRARY):
        if not (path.parent / CROSSWALK_FILE).is_file():
            continue
        crosswalk = _crosswalk(path.parent.name)
        assert crosswalk.slug == path.parent.name
        assert crosswalk_problems(crosswalk, load_definition_file(path).definition) == []
        checked += 1
    assert checked >= 1


def test_logical_access_questions_concern_cc6():
    crosswalk = _crosswalk("security-baseline")
    assert crosswalk.questions["mfa_admin_access"].criteria == ("CC6.1",)
    assert crosswalk.questions["encryption_in_transit"].criteria[0] == "CC6.7"


@pytest.mark.parametrize(
    "data",
    [
        {"questions": {}},
        {"slug": "x", "questions": {"q": {"criteria": ["CC6.1"]}}},
        {"slug": "x", "questions": {"q": {"criteria": ["CC10.1"], "answer": "yes"}}},
        {"slug": "x", "questions": {"q": {"criteria": [], "answer": "yes"}}},
    ],
)
def test_a_malformed_crosswalk_is_refused(data):
    with pytest.raises(InvalidCrosswalk):
        parse_crosswalk(data)


def test_a_crosswalk_naming_an_unknown_question_or_a_refused_answer_does_not_fit():
    definition = load_definition_file(LIBRARY / "security-baseline" / "v1.yaml").definition
    crosswalk = parse_crosswalk(
        {
            "slug": "security-baseline",
            "questions": {
                "no_such_question": {"criteria": ["CC6.1"], "answer": "yes"},
                "security_training": {"criteria": ["CC2.2"], "answer": "weekly"},
            },
        }
    )
    problems = crosswalk_problems(crosswalk, definition)
    assert len(problems) == 2
