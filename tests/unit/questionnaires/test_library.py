"""The questionnaire library: every file validates, lints clean, matches the schema and is frozen."""

import json
from pathlib import Path

import jsonschema
import pytest

from app.questionnaires.domain.answer_rules import claims_from_answers, validate_answers
from app.questionnaires.domain.definition import MAPS_TO_KEYS
from app.questionnaires.domain.lint import Severity, lint_definition
from app.questionnaires.domain.vocabulary import AI_MAPS_TO_KEYS
from app.questionnaires.domain.yaml_source import load_yaml_with_lines
from app.questionnaires.loader import (
    LIBRARY_ROOT,
    definition_files,
    find_definition,
    load_definition_file,
)

FILES = definition_files(LIBRARY_ROOT)
MANIFEST = LIBRARY_ROOT / "released.json"
SCHEMA = json.loads((LIBRARY_ROOT / "schema.json").read_text())


def _key(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_the_library_holds_the_three_questionnaires():
    assert {_key(path) for path in FILES} >= {
        "soc-assurance/v1",
        "security-baseline/v1",
        "vendor-profile/v1",
    }


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_every_library_file_validates_and_has_no_lint_error(path):
    loaded = load_definition_file(path)
    findings = lint_definition(loaded.definition)
    errors = [
        f"{f.path_text}: {f.finding.message}"
        for f in findings
        if f.finding.severity is Severity.ERROR
    ]
    assert errors == []


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_every_library_file_has_no_lint_finding_at_all(path):
    findings = lint_definition(load_definition_file(path).definition)
    assert [(f.path_text, f.finding.rule) for f in findings] == []


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_every_library_file_matches_the_published_json_schema(path):
    data, _ = load_yaml_with_lines(path.read_text(encoding="utf-8"), str(path))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_released_files_never_change_and_every_file_is_released():
    manifest = json.loads(MANIFEST.read_text())
    actual = {_key(path): load_definition_file(path).content_hash for path in FILES}
    changed = sorted(key for key in actual if key in manifest and manifest[key] != actual[key])
    unlisted = sorted(key for key in actual if key not in manifest)
    removed = sorted(key for key in manifest if key not in actual)
    assert not changed, (
        f"released questionnaire file(s) changed: {changed}. Released versions are immutable: "
        "restore the file and add the change as a new version (questionnaires/<slug>/v<N+1>.yaml)."
    )
    assert not unlisted, (
        f"questionnaire file(s) missing from questionnaires/released.json: {unlisted}. "
        "When the version is final, add '<slug>/v<N>': '<sha256 of the file>' to the manifest."
    )
    assert not removed, f"released questionnaire file(s) deleted: {removed}; restore them."


def test_soc_assurance_maps_questions_to_report_facts():
    definition = find_definition(LIBRARY_ROOT, "soc-assurance").definition
    mapped = {question.maps_to for question in definition.questions() if question.maps_to}
    assert mapped == MAPS_TO_KEYS - AI_MAPS_TO_KEYS


def test_soc_assurance_answers_yield_claims_the_scoring_module_accepts():
    from app.scoring.domain.inputs import parse_answers

    definition = find_definition(LIBRARY_ROOT, "soc-assurance").definition
    answers = {
        "primary_soc_report": "soc2",
        "holds_soc2_type2": "yes",
        "soc2_report_file": "doc-1",
        "soc2_report_type": "type2",
        "soc2_period_start": "2024-07-01",
        "soc2_period_end": "2025-06-30",
        "soc2_service_auditor": "Example Assurance LLP",
        "soc2_criteria": ["security", "availability"],
        "soc2_opinion": "unqualified",
        "soc2_has_exceptions": "yes",
        "soc2_exceptions_count": 2,
        "soc2_exception_responses": "Both fixed in Q3.",
        "soc2_subservice_method": "carve_out",
        "soc2_subservice_organizations": "Example Cloud (hosting)",
        "soc2_subservice_monitoring": "yes",
        "soc2_has_cuecs": "no",
        "has_bridge_letter": "yes",
        "bridge_letter_through": "2025-09-30",
        "bridge_letter_file": "doc-2",
        "affects_financial_reporting": "no",
        "iso27001_certified": "yes",
        "iso27001_certificate_expiry": "2026-05-01",
        "iso27001_scope": "All services.",
        "iso27001_certificate_file": "doc-3",
    }
    assert validate_answers(definition, answers) == []
    claims = claims_from_answers(definition, answers)
    assert set(claims) == MAPS_TO_KEYS - AI_MAPS_TO_KEYS
    parsed = parse_answers(claims)
    assert parsed.framework == "SOC 2"
    assert parsed.report_type == "type2"
    assert parsed.subservice_method == "carve-out"
    assert parsed.exceptions_count == 2


def test_security_baseline_has_about_forty_questions_with_follow_ups():
    definition = find_definition(LIBRARY_ROOT, "security-baseline").definition
    questions = list(definition.questions())
    assert 38 <= len(questions) <= 48
    assert sum(1 for question in questions if question.show_if) >= 10
    assert len(definition.sections) >= 11
