"""Scoring read facts against hand-made labels, and the `reports evaluate` command."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from app.reports.cli import app
from app.reports.domain.evaluation import field_is_right, normalize_name, score_file

from .conftest import CORPUS

runner = CliRunner()


def test_names_match_without_punctuation_case_or_legal_suffix():
    assert normalize_name("Moss Adams, LLP") == normalize_name("moss adams")
    assert normalize_name("Ｈａｃｋｅｒ Bay, Inc.") == "hacker bay"
    assert normalize_name("Jay Maru, CPA") == "jay maru"
    assert normalize_name("Ernst & Young LLP") != normalize_name("Young LLP")


def test_any_label_accepts_either_reading():
    label = {"any": ["2022-11-25", "2022-11-18"]}
    assert field_is_right("report_date", "2022-11-18", label)
    assert not field_is_right("report_date", "2022-11-19", label)


def test_subservice_organisations_match_any_spelling_and_no_extra_names():
    wanted = [["Amazon Web Services", "AWS"], ["Redis Labs"]]
    assert field_is_right("subservice_organizations", ["AWS", "Redis Labs, Inc."], wanted)
    assert not field_is_right("subservice_organizations", ["AWS"], wanted)
    assert not field_is_right(
        "subservice_organizations", ["AWS", "Redis Labs", "a subservice organization"], wanted
    )
    assert field_is_right("subservice_organizations", ["Okta, Inc."], ["Okta"])


def test_informative_scoring_counts_only_the_fields_a_certificate_carries():
    label = {
        "file": "c.pdf",
        "doc_kind": "iso_certificate",
        "service_organization": "Acme Ltd",
        "service_auditor": "Certa Body",
        "report_date": "2024-01-02",
        "certificate_expiry": "2027-01-01",
        "opinion": None,
    }
    found = {"doc_kind": "iso_certificate", "service_organization": "ACME", "opinion": "x"}
    score = score_file(label, found, informative=True)
    assert (score.right, score.total) == (2, 5)
    assert {miss.field for miss in score.misses} == {
        "service_auditor",
        "report_date",
        "certificate_expiry",
    }


def test_evaluate_prints_field_accuracy_and_names_each_miss(tmp_path):
    labels = json.loads((CORPUS / "labels.json").read_text())
    chosen = [label for label in labels if label["file"] in {"a09.pdf", "a15.pdf"}]
    chosen[0] = {**chosen[0], "service_auditor": "Somebody Else LLP"}
    for label in chosen:
        shutil.copy(CORPUS / label["file"], tmp_path / label["file"])
    (tmp_path / "labels.json").write_text(json.dumps(chosen))
    outcome = runner.invoke(
        app, ["evaluate", str(tmp_path / "labels.json"), str(tmp_path), "--informative"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert "service_auditor" in outcome.stdout
    assert "miss a09.pdf service_auditor" in outcome.stdout
    assert "overall: 14/15" in outcome.stdout


def test_evaluate_json_reports_a_missing_file_as_an_error(tmp_path):
    labels = [{"file": "gone.pdf", "doc_kind": "other"}]
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    outcome = runner.invoke(
        app, ["evaluate", str(tmp_path / "labels.json"), str(tmp_path), "--json"]
    )
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.stdout)
    assert data["right"] == 0 and data["total"] == 16
    assert data["files"][0]["error"].startswith("cannot read")


def test_evaluate_rejects_labels_that_are_not_a_list(tmp_path):
    (tmp_path / "labels.json").write_text('{"file": "a.pdf"}')
    outcome = runner.invoke(app, ["evaluate", str(tmp_path / "labels.json"), str(tmp_path)])
    assert outcome.exit_code == 2
    assert "expected a JSON list" in outcome.stderr
