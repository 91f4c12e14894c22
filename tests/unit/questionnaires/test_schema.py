"""The published JSON Schema rejects malformed definitions, as the models do."""

import copy
import json

import jsonschema
import pytest

from app.questionnaires.loader import LIBRARY_ROOT

SCHEMA = json.loads((LIBRARY_ROOT / "schema.json").read_text())
VALID = {
    "slug": "demo",
    "version": 1,
    "title": "Demo",
    "description": "Demo.",
    "sections": [
        {
            "id": "main",
            "title": "Main",
            "questions": [
                {"id": "a", "type": "yes_no", "text": "A?"},
                {
                    "id": "b",
                    "type": "single_choice",
                    "text": "B?",
                    "choices": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}],
                    "show_if": {"and": [{"question": "a", "equals": "yes"}]},
                },
            ],
        }
    ],
}


def _errors(document):
    return list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert _errors(VALID) == []


def _broken(change):
    document = copy.deepcopy(VALID)
    change(document)
    return document


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("slug"),
        lambda d: d.update(version=0),
        lambda d: d.update(slug="Not A Slug"),
        lambda d: d.update(extra=True),
        lambda d: d["sections"][0]["questions"][0].update(type="essay"),
        lambda d: d["sections"][0]["questions"][0].update(maps_to="soc2_type"),
        lambda d: d["sections"][0]["questions"][1].pop("choices"),
        lambda d: d["sections"][0]["questions"][0].update(
            choices=[{"value": "x", "label": "X"}] * 2
        ),
        lambda d: d["sections"][0]["questions"][0].update(min=1),
        lambda d: d["sections"][0]["questions"][0].update(type="file_upload"),
        lambda d: d["sections"][0]["questions"][1].update(show_if={"question": "a"}),
        lambda d: d["sections"][0]["questions"][1].update(
            show_if={"question": "a", "equals": "yes", "any_of": ["no"]}
        ),
        lambda d: d["sections"][0].update(questions=[]),
    ],
    ids=[
        "missing slug",
        "version 0",
        "bad slug",
        "unknown top-level key",
        "unknown type",
        "unknown maps_to",
        "choice question without choices",
        "choices on yes_no",
        "min on yes_no",
        "upload without kinds",
        "condition without operator",
        "condition with two operators",
        "empty section",
    ],
)
def test_the_schema_rejects_bad_documents(change):
    assert _errors(_broken(change)) != []
