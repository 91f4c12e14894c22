"""The demo's sample documents, generated on the day they are loaded so that the first screen
shows a realistic spread whatever the date: current clean reports, one expiring soon, one with
exceptions, one lapsed, a bridge letter and an ISO/IEC 27001 certificate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from fpdf import FPDF

from app.demo.domain.sample_reports import (
    BridgeLetter,
    Finding,
    IsoCertificate,
    Page,
    SocReport,
    bridge_letter_pages,
    iso_certificate_pages,
    month_end_before,
    soc_report_pages,
)


@dataclass(frozen=True)
class SampleDocument:
    vendor: str
    file_name: str
    pages: list[Page]


def _lumenary(today: date) -> SocReport:
    # Clean and current, with a bridge letter for the months since its period ended.
    return SocReport(
        organisation="Lumenary Cloud, Inc.",
        short_name="Lumenary",
        system="Lumenary Data Platform",
        auditor="Halvorsen & Pike LLP",
        auditor_city="Seattle, Washington",
        period_end=month_end_before(today, 150),
        criteria=("Security", "Availability", "Confidentiality"),
    )


def sample_documents(today: date) -> list[SampleDocument]:
    """Return every sample document, dated relative to ``today``."""
    lumenary = _lumenary(today)
    corvid = SocReport(
        organisation="Corvid Metrics, Inc.",
        short_name="Corvid",
        system="Corvid Analytics Platform",
        auditor="Brightwater Assurance LLP",
        auditor_city="Denver, Colorado",
        period_end=month_end_before(today, 75),
        criteria=("Security", "Confidentiality", "Privacy"),
        findings=(
            Finding(
                "C-03",
                "CC6.3",
                "For 2 of 25 quarterly reviews sampled, no evidence of sign-off was retained.",
            ),
            Finding(
                "C-05",
                "CC8.1",
                "For 1 of 40 changes sampled, testing was not recorded before release.",
            ),
        ),
    )
    pallas = SocReport(
        organisation="Pallas Ledger Corp.",
        short_name="Pallas",
        system="Pallas Payables Service",
        auditor="Merriden Stokes CPAs",
        auditor_city="Chicago, Illinois",
        period_end=month_end_before(today, 60),
        report_type=1,
        report_lag_days=30,
    )
    skyquill = SocReport(
        organisation="Skyquill Software, Inc.",
        short_name="Skyquill",
        system="Skyquill Expense Cloud",
        auditor="Ostrander Vale LLP",
        auditor_city="Austin, Texas",
        # Its year of currency ends within the next two months.
        period_end=month_end_before(today, 320),
        opinion="qualified",
        criteria=("Security", "Availability"),
        findings=(
            Finding(
                "C-02",
                "CC6.2",
                "For 6 of 25 leavers sampled, access was removed after "
                "more than five business days.",
            ),
            Finding(
                "C-03",
                "CC6.3",
                "Quarterly access reviews were not performed for the second quarter.",
            ),
            Finding("C-09", "CC1.4", "3 of 30 new staff sampled completed training late."),
        ),
    )
    amberleaf = SocReport(
        organisation="Amberleaf Health Technologies, LLC",
        short_name="Amberleaf",
        system="Amberleaf Benefits Portal",
        auditor="Castellan Reed LLP",
        auditor_city="Nashville, Tennessee",
        # Lapsed: its period ended well over a year ago.
        period_end=month_end_before(today, 560),
        opinion="adverse",
        criteria=("Security", "Privacy"),
        findings=tuple(
            Finding(f"C-{number:02d}", "CC6.1", text)
            for number, text in (
                (1, "Multi-factor authentication was not enforced for administrators."),
                (2, "Access of 11 of 25 leavers sampled was never removed."),
                (3, "No access reviews were performed during the period."),
                (4, "Security alerts were not triaged for 6 weeks."),
                (5, "14 of 40 changes sampled had no approval."),
                (6, "Two incidents were not handled under the response procedure."),
                (8, "Restores were not tested during the period."),
            )
        ),
    )
    return [
        SampleDocument(
            lumenary.organisation, "Lumenary SOC 2 Type 2 report.pdf", soc_report_pages(lumenary)
        ),
        SampleDocument(
            lumenary.organisation,
            "Lumenary bridge letter.pdf",
            bridge_letter_pages(BridgeLetter(lumenary, signer="Priya Raman, CISO")),
        ),
        SampleDocument(
            corvid.organisation, "Corvid SOC 2 Type 2 report.pdf", soc_report_pages(corvid)
        ),
        SampleDocument(
            corvid.organisation,
            "Corvid ISO 27001 certificate.pdf",
            iso_certificate_pages(
                IsoCertificate(
                    organisation=corvid.organisation,
                    address="2030 Pearl Street, Boulder, Colorado 80302, United States",
                    body="Aldermoor Certification Services Ltd.",
                    number="ACS-ISMS-40921",
                    issued=month_end_before(today, 200),
                    scope="The information security management system supporting the "
                    "Corvid Analytics Platform.",
                )
            ),
        ),
        SampleDocument(
            pallas.organisation, "Pallas SOC 2 Type 1 report.pdf", soc_report_pages(pallas)
        ),
        SampleDocument(
            skyquill.organisation, "Skyquill SOC 2 Type 2 report.pdf", soc_report_pages(skyquill)
        ),
        SampleDocument(
            amberleaf.organisation,
            "Amberleaf SOC 2 Type 2 report.pdf",
            soc_report_pages(amberleaf),
        ),
    ]


def _printable(line: str) -> str:
    # The PDF's built-in fonts cover Latin-1 only.
    return line.encode("latin-1", "replace").decode("latin-1")


def render_pdf(pages: Sequence[Page], *, title: str, created: date) -> bytes:
    """Write the pages as a text PDF that the report reader reads like any upload."""
    pdf = FPDF(format="letter")
    pdf.set_creation_date(datetime.combine(created, time(), tzinfo=UTC))
    pdf.set_title(title)
    pdf.set_auto_page_break(auto=True, margin=15)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        for line in lines:
            pdf.multi_cell(0, 5, _printable(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())
