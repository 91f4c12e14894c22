"""Spreadsheet import/export: row-numbered errors, round trips and formula-injection escaping."""

import csv
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.questionnaires.domain.definition import QuestionType
from app.questionnaires.errors import SpreadsheetImportError
from app.questionnaires.loader import LIBRARY_ROOT, definition_files, load_definition_file
from app.questionnaires.spreadsheet import (
    FORMULA_TRIGGERS,
    definition_to_rows,
    escape_cell,
    read_rows,
    rows_to_definition,
    unescape_cell,
    write_rows,
)


def _import(rows, **kwargs):
    return rows_to_definition(rows, slug="imported", title="Imported", version=1, **kwargs)


def _row(**cells):
    return {"section": "Main", "question": "Is MFA required?", "type": "yes_no"} | cells


@given(st.text())
def test_escaping_is_reversible_and_never_leaves_a_formula_trigger_first(value):
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert not escaped or escaped[0] not in FORMULA_TRIGGERS


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        (-3.5, -3.5),
        (7, 7),
        (None, None),
    ],
)
def test_text_that_starts_like_a_formula_is_quoted_and_numbers_stay_numbers(value, escaped):
    assert escape_cell(value) == escaped


def test_rows_become_sections_and_questions_in_order():
    definition = _import(
        [
            _row(section="Access", question="Is MFA required for remote access?", type="Yes/No"),
            _row(
                section="Evidence",
                question="Upload the report.",
                type="file upload",
                choices="soc2_report; bridge_letter",
                required="no",
            ),
            _row(
                section="Access",
                question="How often are access rights reviewed?",
                type="single choice",
                choices="Quarterly; Once a year",
                help="Pick one.",
            ),
        ]
    )
    assert [section.title for section in definition.sections] == ["Access", "Evidence"]
    access, evidence = definition.sections
    assert [q.id for q in access.questions] == [
        "is_mfa_required_for_remote_access",
        "how_often_are_access_rights_reviewed",
    ]
    review = access.questions[1]
    assert review.type is QuestionType.SINGLE_CHOICE
    assert [(c.value, c.label) for c in review.choices] == [
        ("quarterly", "Quarterly"),
        ("once_a_year", "Once a year"),
    ]
    assert review.help == "Pick one."
    upload = evidence.questions[0]
    assert upload.required is False
    assert [kind.value for kind in upload.document_kinds] == ["soc2_report", "bridge_letter"]


def test_bad_rows_are_reported_with_their_row_numbers():
    rows = [
        _row(required="maybe"),
        _row(section=""),
        _row(type="colour"),
        {},  # blank lines are skipped but still counted
        _row(type="date", choices="a; b"),
    ]
    with pytest.raises(SpreadsheetImportError) as caught:
        _import(rows)
    assert [str(problem) for problem in caught.value.problems] == [
        "row 2, required: 'maybe' is not yes or no",
        "row 3, section: section is empty",
        "row 4, type: unknown type 'colour'",
        "row 6, choices: choices are only allowed on choice questions, not date",
    ]


def test_choice_questions_without_choices_name_the_row():
    with pytest.raises(SpreadsheetImportError) as caught:
        _import([_row(), _row(question="Which one?", type="single choice")])
    assert [str(problem) for problem in caught.value.problems] == [
        "row 3, choices: a single_choice question needs at least two choices"
    ]


def test_cross_reference_errors_name_the_row():
    rows = [_row(), _row(question="Follow-up?", show_if='{"question": "nope", "equals": "yes"}')]
    with pytest.raises(SpreadsheetImportError) as caught:
        _import(rows)
    assert [str(problem) for problem in caught.value.problems] == [
        "row 3, show_if: unknown question id 'nope'"
    ]


def test_duplicate_question_texts_get_distinct_ids():
    definition = _import([_row(), _row()])
    assert [q.id for q in definition.questions()] == ["is_mfa_required", "is_mfa_required_2"]


def test_an_empty_sheet_is_an_error():
    with pytest.raises(SpreadsheetImportError, match="no questions"):
        _import([{}, {}])


@pytest.mark.parametrize("path", definition_files(LIBRARY_ROOT), ids=lambda p: p.parent.name)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_back_the_same_questions(path, suffix, tmp_path):
    original = load_definition_file(path).definition
    target = tmp_path / f"export{suffix}"
    write_rows(definition_to_rows(original), target)
    again = rows_to_definition(
        read_rows(target),
        slug=original.slug,
        title=original.title,
        version=original.version,
        description=original.description,
    )
    assert again == original


def test_formula_text_is_escaped_in_csv_and_never_a_formula_in_xlsx(fixtures, tmp_path):
    definition = _import(read_rows(fixtures / "import_good.csv"))
    formula_question = definition.sections[1].questions[1]
    assert formula_question.text == '=HYPERLINK("http://x")'
    rows = definition_to_rows(definition)
    csv_path, xlsx_path = tmp_path / "out.csv", tmp_path / "out.xlsx"
    write_rows(rows, csv_path)
    write_rows(rows, xlsx_path)
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        cells = [cell for line in csv.reader(handle) for cell in line]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell and cell[0] in FORMULA_TRIGGERS for cell in cells)
    with zipfile.ZipFile(xlsx_path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    workbook = openpyxl.load_workbook(xlsx_path)
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values


def test_unknown_or_missing_columns_are_header_errors(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("section,question,colour\nMain,Is MFA required?,red\n", encoding="utf-8")
    with pytest.raises(SpreadsheetImportError) as caught:
        read_rows(path)
    assert [str(p) for p in caught.value.problems] == [
        "row 1, type: missing column 'type'",
        "row 1, colour: unknown column 'colour'",
    ]


def test_a_corrupt_xlsx_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(SpreadsheetImportError, match=r"not a readable \.xlsx"):
        read_rows(path)


def test_a_sheet_with_too_many_rows_is_refused(tmp_path):
    from app.questionnaires.spreadsheet import MAX_ROWS

    path = tmp_path / "huge.csv"
    lines = ["section,question,type"] + ["Main,Is MFA required?,yes_no"] * (MAX_ROWS + 5)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SpreadsheetImportError, match=f"more than {MAX_ROWS} question rows"):
        read_rows(path)
