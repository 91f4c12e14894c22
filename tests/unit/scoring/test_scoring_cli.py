"""`diligence scores` command line, run through typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from scoring_builders import labels, report
from typer.testing import CliRunner

from app.scoring.cli import app

runner = CliRunner()


@pytest.fixture
def corpus(tmp_path):
    """Write each corpus label as its own facts file, named like the PDF."""
    paths = {}
    for item in labels():
        path = tmp_path / item["file"].replace(".pdf", ".json")
        path.write_text(json.dumps(item), "utf-8")
        paths[path.stem] = path
    return paths


def _explain_json(*args):
    result = runner.invoke(app, ["explain", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_explain_scores_a_labelled_report_as_json(corpus):
    data = _explain_json("--facts", str(corpus["a01"]), "--as-of", "2024-05-01", "--tier", "high")
    assert (data["score"], data["band"], data["residual_risk"]) == (95, "A", "low")
    assert data["provisional"] is False
    assert data["best_document_id"] == "a01.json"
    assert sum(item["points"] for item in data["factors"]) == data["pre_cap_score"]
    assert "CARVED_OUT_NO_SUBSERVICE_REPORT" in [item["code"] for item in data["findings"]]


def test_explain_uses_the_strongest_of_several_reports_and_checks_the_bridge(corpus):
    files = [
        "--facts",
        str(corpus["a01"]),
        "--facts",
        str(corpus["a11"]),
        "--facts",
        str(corpus["a07"]),
    ]
    data = _explain_json(*files, "--as-of", "2024-07-31")
    assert data["best_document_id"] == "a01.json"
    assert "BRIDGE_OVERLONG" in [item["code"] for item in data["findings"]]


def test_explain_caps_an_adverse_report(corpus):
    data = _explain_json(
        "--facts", str(corpus["a07"]), "--as-of", "2024-01-31", "--tier", "critical"
    )
    assert data["score"] <= 25
    assert (data["band"], data["residual_risk"]) == ("F", "high")


def test_explain_gives_a_null_score_for_documents_that_are_not_reports(corpus):
    data = _explain_json(
        "--facts", str(corpus["a13"]), "--facts", str(corpus["a12"]), "--as-of", "2024-07-01"
    )
    assert (data["score"], data["band"], data["factors"]) == (None, None, [])


def test_explain_reports_contradicting_answers_and_reads_the_profile(corpus, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"holds_current_soc2_type2": "yes", "has_exceptions": "no"}))
    vendor = tmp_path / "profile.json"
    vendor.write_text(
        json.dumps(
            {
                "inherent_tier": "moderate",
                "cuec_owners_assigned": True,
                "subservice_reports_on_file": ["Google", "Okta"],
            }
        )
    )
    data = _explain_json(
        "--facts",
        str(corpus["a03"]),
        "--facts",
        str(corpus["a02"]),
        "--answers",
        str(answers),
        "--profile",
        str(vendor),
        "--as-of",
        "2024-09-01",
    )
    assert data["best_document_id"] == "a02.json"
    assert [item["code"] for item in data["findings"]] == ["EXCEPTIONS_CLAIM_CONTRADICTED"]


def test_explain_prints_a_readable_breakdown_by_default(corpus):
    result = runner.invoke(app, ["explain", "--facts", str(corpus["a04"]), "--as-of", "2024-09-30"])
    assert result.exit_code == 0, result.output
    assert "Score:" in result.stdout and "Band" in result.stdout
    assert "F4 Opinion" in result.stdout and "4/20" in result.stdout
    assert "assumed" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--facts", "{missing}", "--as-of", "2024-01-01"], "not found"),
        (["--facts", "{bad_json}", "--as-of", "2024-01-01"], "not valid JSON"),
        (["--facts", "{bad_facts}", "--as-of", "2024-01-01"], "exceptions_count"),
        (["--facts", "{a01}", "--as-of", "01/02/2024"], "YYYY-MM-DD"),
        (
            ["--facts", "{a01}", "--as-of", "2024-01-01", "--answers", "{list_json}"],
            "answers must be",
        ),
    ],
)
def test_bad_input_gives_one_error_line_and_exit_code_2(corpus, tmp_path, args, message):
    (tmp_path / "bad.json").write_text("{nope")
    (tmp_path / "facts.json").write_text(
        json.dumps({"doc_kind": "soc_report", "exceptions_count": "x"})
    )
    (tmp_path / "list.json").write_text("[]")
    names = {
        "missing": tmp_path / "nope.json",
        "bad_json": tmp_path / "bad.json",
        "bad_facts": tmp_path / "facts.json",
        "a01": corpus["a01"],
        "list_json": tmp_path / "list.json",
    }
    result = runner.invoke(app, ["explain", *[arg.format(**names) for arg in args]])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_unknown_tier_is_a_usage_error(corpus):
    result = runner.invoke(
        app,
        ["explain", "--facts", str(corpus["a01"]), "--as-of", "2024-01-01", "--tier", "extreme"],
    )
    assert result.exit_code == 2


def test_prefill_prints_claims_a_report_answers(corpus):
    result = runner.invoke(app, ["prefill", "--facts", str(corpus["a02"]), "--as-of", "2024-09-01"])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.stdout)
    assert claims["exceptions_count"] == {"value": 2, "document_id": "a02.json", "page": None}
    assert claims["holds_current_soc2_type2"]["value"] == "yes"


def test_check_policy_validates_a_policy_file(tmp_path):
    from app.scoring.policy_loader import default_policy_text

    good = tmp_path / "good.yaml"
    good.write_text(default_policy_text())
    bad = tmp_path / "bad.yaml"
    bad.write_text(default_policy_text().replace("stale_cap: 40", "stale_cap: 400"))
    assert "default-v3" in runner.invoke(app, ["check-policy", str(good)]).stdout
    result = runner.invoke(app, ["check-policy", str(bad)])
    assert result.exit_code == 2
    assert "stale_cap" in result.stderr


def test_explain_refuses_a_document_about_another_organisation(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(report(service_organization="Lumenary Cloud, Inc.")))
    data = _explain_json(
        "--facts", str(facts), "--as-of", "2025-06-30", "--vendor-name", "Orchard Lane Benefits Inc"
    )
    other = [f for f in data["findings"] if f["code"] == "DOCUMENT_OTHER_ORGANIZATION"]
    assert other and "Lumenary Cloud, Inc." in other[0]["message"]
    assert data["score"] is None  # that document earns the vendor nothing
    assert data["candidates"] == []


@pytest.mark.parametrize(
    ("document_name", "args"),
    [
        ("ORCHARD LANE BENEFITS, INC.", ["--vendor-name", "Orchard Lane Benefits Inc"]),
        ("Lumenary Cloud, Inc.", ["--vendor-name", "Orchard Lane", "--alias", "Lumenary Cloud"]),
        ("Orchard Lane Benefits’s System", ["--vendor-name", "Orchard Lane Benefits, LLC"]),
    ],
)
def test_explain_accepts_the_vendors_names_however_written(tmp_path, document_name, args):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(report(service_organization=document_name)))
    data = _explain_json("--facts", str(facts), "--as-of", "2025-06-30", *args)
    assert not [f for f in data["findings"] if f["code"] == "DOCUMENT_OTHER_ORGANIZATION"]
    assert data["score"] is not None
