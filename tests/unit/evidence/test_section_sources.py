"""Each questionnaire section is pre-answered from one document, never a mix of two."""

from __future__ import annotations

from pathlib import Path

from app.evidence.domain.section_sources import section_sources
from app.questionnaires.domain.parsing import parse_definition
from app.scoring.domain.inputs import parse_facts

LIBRARY = Path(__file__).resolve().parents[3] / "questionnaires"
DEFINITION = parse_definition(
    (LIBRARY / "soc-assurance" / "v1.yaml").read_text(), "soc-assurance/v1.yaml"
).definition


def _facts(document_id: str, **values):
    data = {"document_id": document_id, "doc_kind": "soc_report", **values}
    return parse_facts(data, default_document_id=document_id)


def test_a_soc3_never_fills_the_soc2_section():
    soc3 = _facts("9", framework="SOC 3", period_end="2024-09-30")
    sources = section_sources(DEFINITION, {"holds_soc2_type2": "yes"}, {"9": soc3})
    assert "soc2_report" not in sources
    assert sources["assurance_overview"] == "9"  # the only SOC report says which family


def test_the_file_uploaded_in_a_section_is_its_source_over_newer_reports():
    uploaded = _facts("3", framework="SOC 2", report_type="type2", period_end="2023-12-31")
    newer = _facts("4", framework="SOC 2", report_type="type2", period_end="2024-12-31")
    answers = {"holds_soc2_type2": "yes", "soc2_report_file": ["3"]}
    sources = section_sources(DEFINITION, answers, {"3": uploaded, "4": newer})
    assert sources["soc2_report"] == "3"


def test_an_upload_of_the_wrong_kind_fills_nothing_in_its_section():
    soc3 = _facts("9", framework="SOC 3", period_end="2024-09-30")
    answers = {"holds_soc2_type2": "yes", "soc2_report_file": ["9"]}
    assert "soc2_report" not in section_sources(DEFINITION, answers, {"9": soc3})
