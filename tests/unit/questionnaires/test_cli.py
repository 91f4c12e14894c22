"""`diligence questionnaires lint | import | export` through Typer's test runner."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from app.questionnaires.cli import app
from app.questionnaires.loader import LIBRARY_ROOT, find_definition


@pytest.fixture
def runner():
    return CliRunner()


def test_lint_of_the_library_passes(runner):
    result = runner.invoke(app, ["lint", str(LIBRARY_ROOT)])
    assert result.exit_code == 0, result.output
    assert "5 file(s): 0 error, 0 warning, 0 info" in result.output


def test_lint_reports_file_line_and_exits_1_on_an_error(runner, fixtures, monkeypatch):
    monkeypatch.chdir(fixtures)
    result = runner.invoke(app, ["lint", "miswording"])
    assert result.exit_code == 1
    assert (
        "miswording/soc-wording/v1.yaml:11: error [soc-certification] soc_certified:"
        in result.output
    )
    assert (
        "miswording/soc-wording/v1.yaml:14: warning [iso27001-compliance] iso_compliant:"
        in result.output
    )
    assert "suggestion: Ask 'Do you hold a current SOC 2 Type 2 report?'" in result.output


def test_lint_json_lists_findings_with_rule_severity_message_and_suggestion(runner, fixtures):
    result = runner.invoke(
        app, ["lint", "--json", str(fixtures / "miswording/soc-wording/v1.yaml")]
    )
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert [(f["rule"], f["severity"], f["line"], f["question"]) for f in findings] == [
        ("soc-certification", "error", 11, "soc_certified"),
        ("iso27001-compliance", "warning", 14, "iso_compliant"),
    ]
    assert all(f["message"] and f["suggestion"] for f in findings)


def test_lint_text_warning_exits_0_and_error_exits_1(runner):
    warning = runner.invoke(app, ["lint", "--text", "Are you ISO 27001 compliant?", "--json"])
    assert warning.exit_code == 0
    assert [f["rule"] for f in json.loads(warning.output)["findings"]] == ["iso27001-compliance"]
    error = runner.invoke(app, ["lint", "--text", "Are you SOC-2 certified?"])
    assert error.exit_code == 1
    assert "error [soc-certification]" in error.output
    clean = runner.invoke(
        app, ["lint", "--text", "Do you hold a current SOC 2 Type 2 report?", "--json"]
    )
    assert (clean.exit_code, json.loads(clean.output)) == (0, {"findings": []})


def test_lint_of_an_invalid_file_reports_the_problem_as_an_error(runner, fixtures):
    result = runner.invoke(app, ["lint", "--json", str(fixtures / "unknown_show_if.yaml")])
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)["findings"]
    assert (finding["rule"], finding["line"]) == ("invalid-definition", 26)
    assert "unknown question id 'soc2_type'" in finding["message"]


def test_lint_needs_a_path_or_text(runner):
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == 1
    assert "give one or more PATHs or --text" in result.output


def test_import_writes_the_next_version_and_prints_its_lint_report(runner, fixtures, tmp_path):
    out_dir = tmp_path / "questionnaires"
    args = [
        "import",
        str(fixtures / "import_good.csv"),
        "--slug",
        "access-review",
        "--title",
        "Access review",
    ]
    first = runner.invoke(app, [*args, "--out-dir", str(out_dir)])
    assert first.exit_code == 0, first.output
    assert "access-review/v1.yaml" in first.output
    assert "0 error, 0 warning, 0 info" in first.output
    second = runner.invoke(app, [*args, "--out-dir", str(out_dir)])
    assert second.exit_code == 0, second.output
    loaded = find_definition(out_dir, "access-review")
    assert loaded.definition.version == 2
    assert len(list(loaded.definition.questions())) == 4


def test_import_with_bad_rows_writes_nothing(runner, fixtures, tmp_path):
    out_dir = tmp_path / "questionnaires"
    result = runner.invoke(
        app,
        [
            "import",
            str(fixtures / "import_bad_rows.csv"),
            "--slug",
            "bad",
            "--title",
            "Bad",
            "--out-dir",
            str(out_dir),
        ],
    )
    assert result.exit_code == 1
    assert "row 2, required: 'maybe' is not yes or no" in result.output
    assert "row 3, section: section is empty" in result.output
    assert "row 5, type: unknown type 'colour'" in result.output
    assert "nothing was written" in result.output
    assert not out_dir.exists()


def test_import_reports_lint_errors_of_the_new_file(runner, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "section,question,type\nAssurance,Are you SOC 2 certified?,yes_no\n", encoding="utf-8"
    )
    result = runner.invoke(
        app,
        [
            "import",
            str(sheet),
            "--slug",
            "wording",
            "--title",
            "W",
            "--out-dir",
            str(tmp_path / "q"),
        ],
    )
    assert result.exit_code == 1
    assert "error [soc-certification]" in result.output
    assert (tmp_path / "q" / "wording" / "v1.yaml").exists()


def test_import_rejects_a_bad_slug(runner, fixtures, tmp_path):
    result = runner.invoke(
        app, ["import", str(fixtures / "import_good.csv"), "--slug", "Bad Slug", "--title", "T"]
    )
    assert result.exit_code == 1
    assert "not a valid slug" in result.output


@pytest.mark.parametrize("sheet_format", ["csv", "xlsx"])
def test_export_then_import_round_trips_through_the_cli(runner, tmp_path, sheet_format):
    library = tmp_path / "questionnaires"
    shutil.copytree(LIBRARY_ROOT / "security-baseline", library / "security-baseline")
    output = tmp_path / f"baseline.{sheet_format}"
    exported = runner.invoke(
        app,
        [
            "export",
            "security-baseline",
            "--format",
            sheet_format,
            "--output",
            str(output),
            "--root",
            str(library),
        ],
    )
    assert exported.exit_code == 0, exported.output
    original = find_definition(library, "security-baseline").definition
    imported = runner.invoke(
        app,
        [
            "import",
            str(output),
            "--slug",
            "security-baseline",
            "--title",
            original.title,
            "--description",
            original.description,
            "--out-dir",
            str(library),
        ],
    )
    assert imported.exit_code == 0, imported.output
    again = find_definition(library, "security-baseline").definition
    assert again.version == 2
    assert again.sections == original.sections


def test_export_of_an_unknown_slug_or_version_fails_cleanly(runner, tmp_path):
    result = runner.invoke(app, ["export", "nope", "--format", "csv", "--root", str(LIBRARY_ROOT)])
    assert result.exit_code == 1
    assert "no questionnaire 'nope'" in result.output
    result = runner.invoke(
        app,
        [
            "export",
            "soc-assurance",
            "--version",
            "7",
            "--format",
            "csv",
            "--root",
            str(LIBRARY_ROOT),
        ],
    )
    assert result.exit_code == 1
    assert "has no version 7" in result.output
