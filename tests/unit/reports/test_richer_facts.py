"""Subservice organisations with their services and method, exceptions with management's
response, and a certificate's own details, read from generated PDFs."""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

from app.reports.extraction import facts_from_text
from app.reports.pdf_text import read_pdf_text
from tests.soc2_reports import build_soc2_type2

_CARVED_AND_INCLUDED = [
    "Subservice Organizations",
    "Lumen Ledger uses Amazon Web Services, Inc. for cloud hosting and storage services and "
    "Ferrule Payments, LLC for card payment processing (the subservice organizations).",
    "The examination did not extend to the controls of Amazon Web Services, Inc. (the carve-out "
    "method).",
    "The relevant controls of Ferrule Payments, LLC are included in the description and in the "
    "scope of the examination (the inclusive method).",
]


def _read(data: bytes):  # type: ignore[no-untyped-def]
    return facts_from_text(read_pdf_text(data))


def test_each_subservice_organization_has_its_services_and_its_own_method() -> None:
    result = _read(
        build_soc2_type2(
            "Lumen Ledger, Inc.", period_end=date(2025, 6, 30), description=_CARVED_AND_INCLUDED
        )
    )
    # The labelled fields stay as they were: the names and one method for the document.
    assert result.subservice_organizations == (
        "Amazon Web Services, Inc.",
        "Ferrule Payments, LLC",
    )
    by_name = {item.name: item for item in result.subservices}
    hosting, payments = by_name["Amazon Web Services, Inc."], by_name["Ferrule Payments, LLC"]
    assert hosting.services == "cloud hosting and storage services"
    assert (hosting.method, hosting.method_stated) == ("carve-out", True)
    assert payments.services == "card payment processing"
    assert (payments.method, payments.method_stated) == ("inclusive", True)
    description_page = next(s.page_start for s in result.sections if s.kind == "description")
    for item in (hosting, payments):
        assert item.evidence and all(ev.page == description_page for ev in item.evidence)
    assert any("did not extend" in ev.snippet for ev in hosting.evidence)


def test_a_table_of_subservice_organizations_gives_services_and_method_per_row() -> None:
    description = [
        "Lumen Ledger uses the following subservice organizations.",
        "Subservice Organization Services Provided Method",
        "Nimbus Vault, Inc. Encrypted backup storage Carve-out",
        "Quayside Mail, LLC Transactional e-mail delivery Inclusive",
    ]
    result = _read(
        build_soc2_type2(
            "Lumen Ledger, Inc.", period_end=date(2025, 6, 30), description=description
        )
    )
    by_name = {item.name: item for item in result.subservices}
    assert by_name["Nimbus Vault, Inc."].services == "Encrypted backup storage"
    assert by_name["Nimbus Vault, Inc."].method == "carve-out"
    assert by_name["Quayside Mail, LLC"].services == "Transactional e-mail delivery"
    assert by_name["Quayside Mail, LLC"].method == "inclusive"


def test_one_method_for_all_is_given_to_each_but_not_as_stated_for_it() -> None:
    description = [
        "Lumen Ledger uses Amazon Web Services, Inc. to provide cloud hosting services (the "
        '"subservice organization").',
        "The description excludes the controls of the subservice organization (the carve-out "
        "method).",
    ]
    result = _read(
        build_soc2_type2(
            "Lumen Ledger, Inc.", period_end=date(2025, 6, 30), description=description
        )
    )
    assert result.subservice_method == "carve-out"
    (item,) = result.subservices
    assert (item.name, item.services) == ("Amazon Web Services, Inc.", "cloud hosting services")
    assert (item.method, item.method_stated) == ("carve-out", False)


def test_exceptions_carry_managements_response_from_section_5() -> None:
    result = _read(
        build_soc2_type2(
            "Lumen Ledger, Inc.",
            period_end=date(2025, 6, 30),
            exceptions={
                "CC6.2": "For 2 of 25 new users sampled, approval was not retained.",
                "CC7.1": "For 1 of 4 quarters, the vulnerability scan was not performed.",
            },
            other_information=[
                "Management's Responses to Exceptions",
                "CC6.2 Management has since automated approvals in the ticketing system and "
                "reviewed every account created during the period.",
            ],
        )
    )
    assert result.exceptions_count == 2
    responses = {item.criteria: item.management_response for item in result.exceptions}
    assert responses[("CC6.2",)] is not None
    assert responses[("CC6.2",)].startswith("Management has since automated approvals")
    assert responses[("CC7.1",)] is None


def certificate_pdf() -> bytes:
    """An ISO/IEC 27001 certificate with its number, scope, bodies and dates, one per line."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=True)
    y = 720
    for text in (
        "Certificate of Registration",
        "Certificate Number: IS 771204",
        "Tarnbrook Certification Ltd. certifies that the information security management system of",
        "Lumen Ledger, Inc.",
        "has been found to conform to the requirements of ISO/IEC 27001:2022",
        "for the following scope:",
        "The provision of hosted ledger and payment reconciliation services from the Denver and",
        "Leeds offices, in accordance with the Statement of Applicability version 4.",
        "Original certification date: March 3, 2019",
        "Issue date: March 10, 2025",
        "Expiry date: March 2, 2028",
        "Accredited by UKAS, management systems certification body 0042",
    ):
        pdf.drawString(54, y, text)
        y -= 20
    pdf.save()
    return buffer.getvalue()


def test_a_certificate_keeps_its_number_scope_bodies_and_issue_date() -> None:
    result = _read(certificate_pdf())
    assert result.doc_kind == "iso_certificate"
    certificate = result.certificate
    assert certificate is not None
    assert certificate.standard == "ISO/IEC 27001:2022"
    assert certificate.certificate_number == "IS 771204"
    assert certificate.certification_body == "Tarnbrook Certification Ltd"
    assert certificate.accreditation_body == "UKAS"
    assert certificate.issued == "2025-03-10"
    assert result.certificate_expiry == "2028-03-02"
    assert certificate.scope is not None
    assert certificate.scope.startswith("The provision of hosted ledger and payment reconciliation")
    assert certificate.scope.endswith("Statement of Applicability version 4.")
