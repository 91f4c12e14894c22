"""The `diligence reports extract` command."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from app.reports.cli import app
from app.reports.domain.facts import FIELD_NAMES

from .conftest import CORPUS

runner = CliRunner()


def test_extract_json_prints_one_object_with_every_field():
    outcome = runner.invoke(app, ["extract", "--json", str(CORPUS / "a02.pdf")])
    assert outcome.exit_code == 0
    data = json.loads(outcome.stdout)
    assert set(FIELD_NAMES) | {"evidence", "confidence", "exceptions", "warnings"} <= set(data)
    assert data["exceptions_count"] == 2
    assert data["subservice_organizations"] == ["Google LLC", "Okta, Inc."]


def test_extract_non_soc_document_exits_zero_with_doc_kind_other():
    outcome = runner.invoke(app, ["extract", "--json", str(CORPUS / "a15.pdf")])
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["doc_kind"] == "other"


def test_extract_without_json_prints_a_readable_table():
    outcome = runner.invoke(app, ["extract", str(CORPUS / "a04.pdf")])
    assert outcome.exit_code == 0
    assert "opinion" in outcome.stdout and "qualified" in outcome.stdout


def test_unreadable_input_exits_2_with_one_line_error(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"just some notes")
    outcome = runner.invoke(app, ["extract", "--json", str(path)])
    assert outcome.exit_code == 2
    assert outcome.stderr.strip().count("\n") == 0
    assert "not a PDF" in outcome.stderr
    assert "Traceback" not in outcome.output
