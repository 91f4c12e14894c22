"""`reports extract --json` output is what `scores explain --facts` reads, on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import build_app

app = build_app()

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def _extract(runner: CliRunner, name: str, tmp_path: Path) -> Path:
    result = runner.invoke(app, ["reports", "extract", "--json", str(CORPUS / name)])
    assert result.exit_code == 0, result.output
    out = tmp_path / f"{Path(name).stem}.json"
    out.write_text(result.stdout)
    return out


@pytest.mark.parametrize(
    ("files", "as_of", "band", "finding"),
    [
        (["a01.pdf", "a11.pdf"], "2024-06-01", "A", "CARVED_OUT_NO_SUBSERVICE_REPORT"),
        (["a07.pdf"], "2024-06-01", "F", None),
        (["a03.pdf"], "2024-06-01", None, None),
    ],
)
def test_extracted_facts_score_with_explained_factors(tmp_path, files, as_of, band, finding):
    runner = CliRunner()
    paths = [_extract(runner, name, tmp_path) for name in files]
    args = ["scores", "explain", "--as-of", as_of, "--tier", "high", "--json"]
    for path in paths:
        args += ["--facts", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) >= {"score", "band", "residual_risk", "provisional", "factors", "findings"}
    assert report["score"] is not None
    if band:
        assert report["band"] == band
    assert all(f["evidence"] for f in report["factors"] if f["points"] > 0 and f["factor"] != "F6")
    if finding:
        assert finding in {f["code"] for f in report["findings"]}


def test_an_unrelated_document_has_nothing_to_score(tmp_path):
    runner = CliRunner()
    path = _extract(runner, "a13.pdf", tmp_path)
    result = runner.invoke(
        app, ["scores", "explain", "--as-of", "2024-06-01", "--json", "--facts", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["score"] in (None, 0)
