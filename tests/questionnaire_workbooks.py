"""Synthetic look-alikes of published questionnaires: the same structure, invented text.

They reproduce what the importers rely on (sheet names, header rows, ID patterns, list data
validations by literal list and by defined name, title rows between sections, reference
sheets that repeat the questions) without any publisher's wording.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

CAIQ_QUESTIONS = (
    ("A&A-01.1", "Audit & Assurance", "Are audit plans written down and approved each year?"),
    ("A&A-02.1", "", "Do outside assessors review the audit plan?"),
    ("IAM-02.1", "Identity & Access Management", "Is multi-factor sign-in required for staff?"),
    ("IAM-14.1", "", "Do administrators sign in with a second factor?"),
    ("CEK-03.1", "Cryptography, Encryption & Key Management", "Is stored data encrypted?"),
    ("IVS-05.1", "Infrastructure & Virtualization Security", "Is production kept apart?"),
)


def caiq_workbook(path: Path, *, answers: dict[str, str] | None = None) -> Path:
    """Write a CAIQ v4-shaped workbook: an introduction sheet, then the questions on row 3+."""
    book = openpyxl.Workbook()
    intro = book.active
    intro.title = "Introduction"
    intro["A1"] = "About this file"
    intro["A3"] = "Answer each question in column C."
    sheet = book.create_sheet("CAIQv4.0.3")
    sheet.append(["v4.0.3", "CONSENSUS ASSESSMENTS INITIATIVE QUESTIONNAIRE v4.0.3"])
    sheet.append(
        [
            "Question ID",
            "Question",
            "CSP CAIQ Answer",
            "SSRM Control Ownership",
            "CSP Implementation Description (Optional/Recommended)",
            "CSC Responsibilities (Optional/Recommended)",
            "",
            "",
            "CCM Control ID",
            "CCM Control Specification",
            "CCM Control Title",
            "CCM Domain Title",
        ]
    )
    answers = answers or {}
    for source_id, domain, text in CAIQ_QUESTIONS:
        answer, _, notes = answers.get(source_id, "").partition("|")
        sheet.append(
            [source_id, text, answer or None, "CSP-owned" if answer else None, notes or None]
            + [None] * 3
            + [source_id.split(".")[0], "Spec text.", "Title", domain or None]
        )
    last = 2 + len(CAIQ_QUESTIONS)
    yes_no = DataValidation(type="list", formula1='"Yes,No,NA"')
    yes_no.add(f"C3:C{last}")
    sheet.add_data_validation(yes_no)
    sheet.append(["End of Standard"])
    book.save(path)
    return path


HECVAT_SECTIONS = (
    (
        "Company Overview",
        (
            ("COMP-01", "Describe the company and what it sells.", None),
            ("COMP-02", "Do you have a dedicated security team?", "yes"),
        ),
    ),
    (
        "Data",
        (
            (
                "DATA-01",
                "Is customer data kept apart from other customers' data?  If not, "
                "describe how it is separated.",
                "yes",
            ),
            ("DATA-02", "Is customer data encrypted in transit?", "yes"),
            ("DATA-03", "Select the tier of your main data centre", "tier"),
        ),
    ),
)


def hecvat_workbook(
    path: Path, *, edition: str = "Lite", answers: dict[str, str] | None = None
) -> Path:
    """Write a HECVAT 3-shaped workbook: IDs in A, text in B, answers in C, title rows."""
    book = openpyxl.Workbook()
    book.active.title = "Introduction"
    book.active["A1"] = "Read me first"
    sheet = book.create_sheet(f"HECVAT - {edition} | Vendor Response")
    values = book.create_sheet("Values")
    for row, value in enumerate(("Yes", "No", "N/A", "Tier I", "Tier II", "Tier III"), start=1):
        values.cell(row=row, column=1, value=value)
    book.defined_names["YesNo"] = DefinedName("YesNo", attr_text="Values!$A$1:$A$2")
    book.defined_names["tiers"] = DefinedName("tiers", attr_text="Values!$A$4:$A$6")
    sheet.append([f"HECVAT - {edition} | Vendor Response", None, None, None, "Version 3.04"])
    sheet.append(["Vendor Response"])
    sheet.append(["DATE-01", "Date", "2024-05-20"])
    sheet.append(["General Information"])
    sheet.append(["GNRL-01", "Vendor Name", "Example Vendor"])
    sheet.append(["GNRL-02", "Product Name", "Example Product"])
    answers = answers or {}
    yes_no = DataValidation(type="list", formula1="YesNo")
    tiers = DataValidation(type="list", formula1="tiers")
    for title, questions in HECVAT_SECTIONS:
        sheet.append(
            [title, None, "Vendor Answers", "Additional Information", "Guidance", "Analyst Notes"]
        )
        for source_id, text, kind in questions:
            answer, _, notes = answers.get(source_id, "").partition("|")
            sheet.append([source_id, text, answer or None, notes or None, "Say more here."])
            row = sheet.max_row
            if kind == "yes":
                yes_no.add(f"C{row}")
            elif kind == "tier":
                tiers.add(f"C{row}")
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(tiers)
    analyst = book.create_sheet("Analyst Report")
    analyst.append(["ID", "Question", "Score"])
    for _, questions in HECVAT_SECTIONS:
        for source_id, text, _ in questions:
            analyst.append([source_id, text, 1])
    book.save(path)
    return path


VSAQ_TEXT = """
// An invented questionnaire in the VSAQ format.
{
  "questionnaire": [
    {
      "type": "block",
      "text": "Example Security Questionnaire",
      "items": [
        {
          "type": "block",
          "text": "Network",
          "id": "block_network",
          "items": [
            {"type": "info", "text": "Tell us about your network."},
            {
              "type": "radiogroup",
              "id": "net_filter",
              "text": "Is traffic into the network " +
                      "filtered?",
              "choices": [
                {"net_filter_yes": "Yes, at every entry point."},
                {"net_filter_no": "No."}
              ]
            },
            {"type": "tip", "id": "warn_filter", "cond": "net_filter_no", "text": "Consider it."},
            {"type": "box", "id": "net_filter_detail", "cond": "net_filter_yes",
             "text": "Describe <b>how</b> it is filtered."},
            {
              "type": "checkgroup",
              "id": "remote",
              "choices": [{"remote_only": "All work happens on the customer's systems."}]
            },
            {"type": "line", "id": "net_owner", "cond": "!remote_only && net_filter_yes",
             "text": "Who owns the network?"},
          ]
        }
      ]
    }
  ]
}
"""


def vsaq_file(path: Path) -> Path:
    """Write a VSAQ-shaped JSON file with comments, a string join and conditions."""
    path.write_text(VSAQ_TEXT, encoding="utf-8")
    return path
