"""Published questionnaire layouts import as published (synthetic look-alikes, invented text)."""

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from app.questionnaires.cli import app
from app.questionnaires.domain.vocabulary import QuestionType
from app.questionnaires.domain.vsaq import strip_script_syntax
from app.questionnaires.formats import import_file, read_answers, read_source
from app.questionnaires.loader import find_definition
from tests.questionnaire_workbooks import caiq_workbook, hecvat_workbook, vsaq_file


def _import(path):
    return import_file(path, slug=None, title=None, version_for=lambda _slug: 1)


def test_a_caiq_is_read_from_its_question_sheet_with_ids_domains_and_yes_no_na(tmp_path):
    imported = _import(caiq_workbook(tmp_path / "caiq.xlsx"))
    definition = imported.definition
    assert (imported.format, imported.question_count) == ("caiq", 6)
    assert (definition.slug, definition.title) == ("caiq-v4", "CSA CAIQ v4.0.3")
    assert [s.title for s in definition.sections] == [
        "Audit & Assurance",
        "Identity & Access Management",
        "Cryptography, Encryption & Key Management",
        "Infrastructure & Virtualization Security",
    ]
    question = definition.question("iam_02_1")
    assert question is not None
    assert (question.source_id, question.type, question.allow_na) == (
        "IAM-02.1",
        QuestionType.YES_NO,
        True,
    )


def test_a_hecvat_keeps_sections_types_choices_and_makes_if_not_a_follow_up(tmp_path):
    imported = _import(hecvat_workbook(tmp_path / "hecvat.xlsx", edition="Lite"))
    definition = imported.definition
    assert imported.format == "hecvat-lite"
    assert imported.question_count == 8  # the analyst sheet repeating the questions is skipped
    titles = [s.title for s in definition.sections]
    assert titles == ["Vendor Response", "General Information", "Company Overview", "Data"]
    by_source = {q.source_id: q for q in definition.questions() if q.source_id}
    assert by_source["GNRL-01"].type is QuestionType.SHORT_TEXT
    assert by_source["COMP-01"].type is QuestionType.LONG_TEXT
    assert by_source["COMP-02"].type is QuestionType.YES_NO
    assert [c.label for c in by_source["DATA-03"].choices or ()] == [
        "Tier I",
        "Tier II",
        "Tier III",
    ]
    data_01 = by_source["DATA-01"]
    assert data_01.text == "Is customer data kept apart from other customers' data?"
    follow_up = definition.question("data_01_detail")
    assert follow_up is not None and follow_up.show_if is not None
    assert follow_up.text == "If not, describe how it is separated."
    assert follow_up.show_if.model_dump() == {"question": "data_01", "equals": "no"}


def test_vsaq_json_with_comments_and_joined_strings_keeps_its_conditions(tmp_path):
    imported = _import(vsaq_file(tmp_path / "example.json"))
    definition = imported.definition
    assert (imported.format, imported.question_count) == ("vsaq", 4)
    assert definition.title == "Example Security Questionnaire"
    first = definition.question("net_filter")
    assert first is not None and first.text == "Is traffic into the network filtered?"
    detail = definition.question("net_filter_detail")
    assert detail is not None and detail.show_if is not None
    assert detail.text == "Describe how it is filtered."
    assert detail.show_if.model_dump() == {"question": "net_filter", "equals": "net_filter_yes"}
    owner = definition.question("net_owner")
    assert owner is not None and owner.show_if is not None
    assert len(list(owner.show_if.leaves())) == 2  # not remote-only, and filtered


def test_script_syntax_is_removed_but_text_inside_strings_is_kept():
    text = '{"a": "x // not a comment" + /* c */ "y", // end\n "b": [1,],}'
    assert json.loads(strip_script_syntax(text)) == {"a": "x // not a commenty", "b": [1]}


def test_a_completed_caiq_gives_every_answer_with_its_id_sheet_and_row(tmp_path):
    path = caiq_workbook(
        tmp_path / "done.xlsx",
        answers={"IAM-02.1": "Yes|Hardware keys for all staff.", "CEK-03.1": "No"},
    )
    source = read_answers(path)
    assert [(q.source_id, q.answer, q.notes, q.sheet, q.row) for q in source.answered] == [
        ("IAM-02.1", "Yes", "Hardware keys for all staff.", "CAIQv4.0.3", 5),
        ("CEK-03.1", "No", None, "CAIQv4.0.3", 7),
    ]


def test_a_sheet_in_no_known_layout_reports_our_missing_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("topic,ask\nMain,Is MFA required?\n", encoding="utf-8")
    assert read_source(path) is None
    with pytest.raises(Exception, match="missing column 'section'"):
        _import(path)


@pytest.fixture
def runner():
    return CliRunner()


def test_cli_import_json_ends_with_format_and_question_count(runner, tmp_path):
    path = hecvat_workbook(tmp_path / "hecvat.xlsx", edition="Full")
    out_dir = tmp_path / "library"
    result = runner.invoke(app, ["import", str(path), "--json", "--out-dir", str(out_dir)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["format"], summary["questions"], summary["slug"]) == (
        "hecvat-full",
        8,
        "hecvat-full-v3",
    )
    assert find_definition(out_dir, "hecvat-full-v3").definition.title == "HECVAT Full 3.04"


def test_cli_import_dry_run_writes_nothing_and_slug_title_can_be_given(runner, tmp_path):
    path = caiq_workbook(tmp_path / "caiq.xlsx")
    out_dir = tmp_path / "library"
    args = ["import", str(path), "--slug", "cloud", "--title", "Cloud", "--dry-run", "--json"]
    result = runner.invoke(app, [*args, "--out-dir", str(out_dir)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["format"], summary["slug"], summary["title"], summary["written"]) == (
        "caiq",
        "cloud",
        "Cloud",
        None,
    )
    assert not out_dir.exists()


def test_cli_read_answers_prints_format_and_answers(runner, tmp_path):
    path = hecvat_workbook(tmp_path / "done.xlsx", answers={"COMP-02": "Yes|A team of four."})
    result = runner.invoke(app, ["read-answers", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["format"] == "hecvat-lite"
    assert {
        "id": "COMP-02",
        "question": "Do you have a dedicated security team?",
        "answer": "Yes",
        "notes": "A team of four.",
    }.items() <= data["answers"][-1].items()


def test_cli_read_answers_of_a_blank_questionnaire_fails_cleanly(runner, tmp_path):
    result = runner.invoke(app, ["read-answers", str(caiq_workbook(tmp_path / "blank.xlsx"))])
    assert result.exit_code == 1
    assert "no answered question found" in result.output


def test_cli_import_with_a_saved_mapping_reports_the_mapped_format_and_row_errors(runner, tmp_path):
    sheet = tmp_path / "supplier.csv"
    sheet.write_text("Ref,Ask,Kind\nS-1,Is MFA required?,yes/no\nS-2,Colour?,paint\n", "utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"header_row": 1, "columns": {"id": "Ref", "question": "Ask", "type": "C"}}),
        encoding="utf-8",
    )
    args = ["import", str(sheet), "--mapping", str(mapping), "--slug", "supplier", "--dry-run"]
    refused = runner.invoke(app, [*args, "--json"])
    assert refused.exit_code == 1
    assert "row 3, type: unknown type 'paint'" in refused.output
    sheet.write_text("Ref,Ask,Kind\nS-1,Is MFA required?,yes/no\n", "utf-8")
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["format"], summary["questions"]) == ("mapped", 1)


def _book(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_sig_lite_is_named_and_read_from_its_numbered_questions(tmp_path):
    header = ["Ques Num", "Question/Request", "Response", "Additional Information"]
    rows = [
        ["SIG Lite 2024"],
        header,
        ["A.1", "Is there a written risk management policy?", "Yes", ""],
        ["A.2", "Is the policy approved by management?", "No", "Draft only."],
        ["B.1", "Is there a written security policy?", None, None],
    ]
    path = _book(tmp_path / "sig.xlsx", {"Instructions": [["Read me"]], "Lite": rows})
    imported = _import(path)
    assert (imported.format, imported.question_count) == ("sig-lite", 3)
    source = read_answers(path)
    assert [(q.source_id, q.answer, q.notes) for q in source.answered] == [
        ("A.1", "Yes", None),
        ("A.2", "No", "Draft only."),
    ]


def test_a_workbook_with_questions_on_several_sheets_keeps_all_of_them(tmp_path):
    first = [["HECVAT 4.1 Organization"], ["ID", "Question", "Answer"]]
    first += [[f"ORGN-0{n}", f"Does the company do thing {n}?", "Yes"] for n in range(1, 4)]
    second = [["ID", "Question", "Answer"]]
    second += [[f"PROD-0{n}", f"Does the product do thing {n}?", None] for n in range(1, 5)]
    path = _book(
        tmp_path / "hecvat4.xlsx",
        {"START HERE": [["Welcome"]], "Organization": first, "Product": second},
    )
    imported = _import(path)
    assert imported.format.startswith("hecvat")
    assert imported.question_count == 7
    assert [s.title for s in imported.definition.sections][-1] == "PROD"
