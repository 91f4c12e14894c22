"""ISO certificates as certification bodies really lay them out (synthetic look-alikes)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

from app.reports.domain.soc_metadata import extract_facts
from app.reports.extraction import extract_facts_from_pdf

_FOOTER = (
    "This certificate remains the property of Brightmark Registrars B.V., located at 1 Canal "
    "Street, and must be returned upon request."
)


def test_label_of_certificate_and_compliant_with_wording():
    page = "\n".join(
        [
            _FOOTER,
            "Certificate",
            "Certificate number: 2031-077",
            "Certified by BM Registrars since: March 3, 2015",
            "the Information Security Management System as defined and implemented by",
            "Quarrel Cloud Systems, Inc.*",
            "is compliant with the requirements as stated in the standard:",
            "ISO/IEC 27001:2022",
            "Issue date of certificate: April 2, 2024",
            "Re-issue date of certificate: April 9, 2024",
            "Expiration date of certificate: April 1, 2027",
            "Last certification cycle expiration date: April 1, 2024",
            "BM Registrars will, according to the certification agreement dated May 1, 2023,",
            "perform surveillance audits.",
            "A. Reyes | Director, BM Registrars",
        ]
    )
    result = extract_facts([page])
    assert result.doc_kind == "iso_certificate"
    assert result.service_organization == "Quarrel Cloud Systems, Inc."
    assert result.service_auditor == "BM Registrars"
    assert result.report_date == "2024-04-09"
    assert result.certificate_expiry == "2027-04-01"
    assert result.certificate is not None
    assert result.certificate.standard == "ISO/IEC 27001:2022"
    assert result.certificate.certificate_number == "2031-077"


def test_label_on_one_line_and_date_on_the_next():
    page = "\n".join(
        [
            "Certificate Number: ISO2024-12",
            "Certificate of Registration",
            "Information Security Management System - ISO/IEC 27001:2022",
            "Larchfield Assurance, LLC performed a certification examination over the",
            "information security management system implemented by Pebble Learning; and found",
            "the ISMS conforms to the requirements stated in the standard ISO/IEC 27001:2022.",
            "Awarded to:",
            "Pebble Learning",
            "with its HQ location at",
            "10 Main Street",
            "Dana Whit | Director of ISO Services, Larchfield Assurance, LLC",
            "Registration date:",
            "June 1, 2021",
            "Issue date of certificate:",
            "June 3, 2024",
            "Expiration date of certificate:",
            "June 2, 2027",
        ]
    )
    result = extract_facts([page])
    assert result.doc_kind == "iso_certificate"
    assert result.service_organization == "Pebble Learning"
    assert result.service_auditor == "Larchfield Assurance, LLC"
    assert (result.report_date, result.certificate_expiry) == ("2024-06-03", "2027-06-02")


def test_bare_dates_in_a_row_are_read_by_order_with_low_confidence():
    page = "\n".join(
        [
            "CERTIFICATE OF REGISTRATION",
            "ISO/IEC\t27018:2019",
            "The\tCertification\tBody\tof\tKVS\thereby\tcertifies\tthat\tthe\tfollowing\torganization",
            "conforms\tto\tthe\trequirements\tof\tISO/IEC\t27018:2019",
            "Tallow\tWorks,\tInc.",
            "Certificate\tNumber:\t55-1",
            "\t\tMarch\t2,\t2023\t\t\tFebruary\t1,\t2022\t\t\tMarch\t1,\t2026\t\t2",
            "Authorized\tBy",
            "Audit\tOfficer,\tKVS\tCertification\tServices.\t9\tHigh\tStreet",
        ]
    )
    result = extract_facts([page])
    assert result.doc_kind == "iso_certificate"
    assert result.service_organization == "Tallow Works, Inc."
    assert result.service_auditor == "KVS Certification Services"
    assert result.certificate_expiry == "2026-03-01"
    assert result.report_date == "2023-03-02"
    assert result.confidence["certificate_expiry"] < 0.7


def _row_certificate() -> bytes:
    """Labels printed in one row and the dates in the row below, as a table would."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=True)
    y = 720
    for text in (
        "Certificate of Registration",
        "Harbor Quality Registrar Ltd. certifies that the management system of",
        "Osprey Freight GmbH",
        "has been found to conform to the requirements of ISO/IEC 27001:2022.",
        "Certificate No: HQR-88121",
    ):
        pdf.drawString(72, y, text)
        y -= 20
    columns = (72, 200, 340, 470)
    labels = ("Original Approval Date", "Issue Date", "Expiry Date", "Version")
    values = ("May 4, 2019", "May 4, 2025", "May 3, 2028", "3")
    for x, text in zip(columns, labels, strict=True):
        pdf.drawString(x, 560, text)
    for x, text in zip(columns, values, strict=True):
        pdf.drawString(x, 540, text)
    pdf.drawString(72, 500, "Accredited by UKAS")
    pdf.save()
    return buffer.getvalue()


def test_labels_in_one_row_and_dates_in_the_next_row():
    result = extract_facts_from_pdf(_row_certificate())
    assert result.doc_kind == "iso_certificate"
    assert result.service_organization == "Osprey Freight GmbH"
    assert (result.report_date, result.certificate_expiry) == ("2025-05-04", "2028-05-03")
    assert result.certificate is not None
    assert result.certificate.accreditation_body == "UKAS"
    assert result.certificate.certificate_number == "HQR-88121"


def test_marketing_page_about_a_certification_stays_other():
    page = "\n".join(
        [
            "ISO 27001: security you can trust",
            "We are certified against ISO/IEC 27001 and audited every year.",
            "Our certification body confirms that our controls conform to the requirements.",
            "Contact sales to receive a copy of our certificate.",
        ]
    )
    assert extract_facts([page]).doc_kind == "other"
