"""Exports never hand a spreadsheet a formula, and numbers stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from app.reviews.exports import Sheet, export_filename, safe_value, to_csv, to_csv_sections, to_xlsx

TRIGGERS = "=+-@\t\r"


def test_text_starting_with_a_formula_trigger_is_prefixed_with_a_quote():
    for trigger in TRIGGERS:
        assert safe_value(f"{trigger}1+1") == f"'{trigger}1+1"
    assert safe_value("-2+3") == "'-2+3"
    assert safe_value("plain") == "plain"


def test_numbers_and_decimals_stay_numbers():
    assert safe_value(-3.5) == -3.5
    assert safe_value(Decimal("88.0")) == 88
    assert safe_value(Decimal("42.5")) == 42.5
    assert safe_value(date(2026, 1, 2)) == "2026-01-02"


@given(st.text(min_size=1))
def test_no_csv_cell_starts_with_a_formula_trigger(text):
    data = to_csv(Sheet("s", ("h",), ((text,),))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    cell = rows[1][0] if len(rows) > 1 and rows[1] else ""
    assert not cell or cell[0] not in TRIGGERS


def test_xlsx_has_no_formula_cells_and_keeps_numeric_columns_numeric():
    sheet = Sheet("Vendors", ("Name", "Score"), (("=cmd|' /C calc'!A0", Decimal("71.5")),))
    content = to_xlsx([sheet])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
    assert rows[1] == ("'=cmd|' /C calc'!A0", 71.5)


def test_csv_sections_put_each_sheet_under_its_title():
    text = to_csv_sections(
        [Sheet("Factors", ("a",), (("1",),)), Sheet("Findings", ("b",), ())]
    ).decode("utf-8-sig")
    assert text.index("Factors") < text.index("Findings")


def test_export_filenames_are_made_by_the_server():
    assert export_filename("Vendor 7/review", date(2026, 11, 27), "csv") == (
        "diligence-vendor-7-review-2026-11-27.csv"
    )
