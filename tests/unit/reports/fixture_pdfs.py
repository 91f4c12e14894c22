"""Deterministic PDF fixtures for the report reader, built with reportlab and fpdf2.

Every organization and firm here is fictitious. The documents vary what the corpus does
not: day-first dates with ordinals, "Type II", "deviations", British spelling, a prior
period in the description, "exception handling" prose, two-column pages, a table written
column by column, and files that must be rejected or flagged.
"""

from __future__ import annotations

import io
import zlib
from datetime import UTC, datetime

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

_FIXED_DATE = datetime(2025, 1, 1, tzinfo=UTC)

# Facts each generated report states; tests compare the extraction with these.
INTL_TYPE_II = {
    "doc_kind": "soc_report",
    "framework": "SOC 2",
    "report_type": "type2",
    "service_organization": "Quillon Data Ltd",
    "service_auditor": "Tessellate Assurance LLP",
    "period_start": "2024-04-01",
    "period_end": "2025-03-31",
    "report_date": "2025-05-20",
    "opinion": "unqualified",
    "trust_services_criteria": ["confidentiality", "security"],
    "exceptions_count": 2,
    "subservice_organizations": ["Amazon Web Services, Inc."],
    "subservice_method": "carve-out",
    "cuecs": True,
}
SOC1_TYPE_I_TWO_COLUMN = {
    "doc_kind": "soc_report",
    "framework": "SOC 1",
    "report_type": "type1",
    "service_organization": "Harrowgate Payroll, LLC",
    "service_auditor": "Merrow Fitch CPAs, P.C.",
    "period_start": None,
    "period_end": "2024-06-30",
    "report_date": "2024-08-09",
    "opinion": "qualified",
    "trust_services_criteria": [],
    "exceptions_count": None,
    "subservice_organizations": [],
    "subservice_method": None,
    "cuecs": True,
}

_INTL_PERIOD = "1 April 2024 to 31 March 2025"


def _intl_paragraphs() -> list[tuple[str, str]]:
    scope = (
        "We have examined Quillon Data Ltd's description of its Ledger Cloud system throughout "
        f'the period {_INTL_PERIOD} (the "description") and the suitability of the design and '
        "operating effectiveness of controls stated in the description to provide reasonable "
        "assurance that Quillon's service commitments and system requirements were achieved "
        "based on the trust services criteria relevant to security and confidentiality set "
        "forth in TSP section 100, 2017 Trust Services Criteria for Security, Availability, "
        "Processing Integrity, Confidentiality, and Privacy."
    )
    carve_out = (
        'Quillon uses Amazon Web Services, Inc. (the "subservice organisation") to provide '
        "cloud hosting. The description excludes the controls of the subservice organisation "
        "(the carve-out method)."
    )
    opinion = (
        "In our opinion, in all material respects, the description presents the Ledger Cloud "
        f"system that was designed and implemented throughout the period {_INTL_PERIOD}, and "
        "the controls stated in the description were suitably designed and operated "
        f"effectively throughout the period {_INTL_PERIOD}, if complementary user entity "
        "controls operated effectively."
    )
    return [
        ("h", "SECTION I – INDEPENDENT SERVICE AUDITOR'S ASSURANCE REPORT"),
        ("p", "To the Board of Directors of Quillon Data Ltd:"),
        ("p", scope),
        ("p", carve_out),
        ("p", "Basis for opinion and responsibilities are described below. " * 6),
        ("p", opinion),
        ("p", "Tessellate Assurance LLP"),
        ("p", "Leeds, United Kingdom"),
        ("p", "20th May 2025"),
        ("br", ""),
        ("h", "SECTION II – MANAGEMENT'S ASSERTION"),
        (
            "p",
            f"We have prepared the description of the Ledger Cloud system throughout the period "
            f"{_INTL_PERIOD}. The controls operated effectively throughout that period.",
        ),
        ("p", "Imogen Vale, Chief Information Security Officer, Quillon Data Ltd, 20th May 2025"),
        ("br", ""),
        ("h", "SECTION III – DESCRIPTION OF THE LEDGER CLOUD SYSTEM"),
        ("p", 'Quillon Data Ltd ("Quillon") provides ledger reconciliation software to banks.'),
        (
            "p",
            "Exception handling. Failed batch jobs are routed to an exception handling queue; "
            "deviations from expected volumes raise alerts, and exceptions are reviewed daily.",
        ),
        (
            "p",
            "The prior period report covered 1 April 2023 to 31 March 2024 and was issued on "
            "2 June 2024.",
        ),
        ("h", "Complementary User Entity Controls"),
        ("p", "• User entities are responsible for reviewing their users' access each quarter."),
        ("p", "• User entities are responsible for protecting their API credentials."),
        ("h", "Subservice Organisations"),
        ("p", "Amazon Web Services, Inc. provides infrastructure hosting (carve-out method)."),
        ("br", ""),
        ("h", "SECTION IV – TRUST SERVICES CRITERIA, CONTROLS, TESTS AND RESULTS OF TESTS"),
    ]


def _intl_table() -> Table:
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    rows = [["Ref", "Control", "Criteria", "Tests Performed by Tessellate", "Results"]]
    for number in range(1, 41):
        result = "No deviations noted."
        if number == 7:
            result = (
                "Deviation noted. For 1 of 25 leavers sampled, access was removed after 9 days."
            )
        if number == 23:
            result = "Deviation noted. One change of 40 lacked a recorded approval."
        rows.append(
            [
                f"QC-{number}",
                Paragraph(f"Control activity number {number} is performed and reviewed.", cell),
                f"CC{1 + number % 9}.{1 + number % 3}",
                Paragraph(
                    "Inspected records for a sample of items to determine that the control "
                    "operated as described.",
                    cell,
                ),
                Paragraph(result, cell),
            ]
        )
    # A second test step of QC-7 also failed: the control still counts once.
    rows.insert(
        8,
        [
            "QC-7",
            Paragraph("Second test step of control 7.", cell),
            "CC6.2",
            Paragraph("Reperformed the removal check.", cell),
            Paragraph("Deviation noted. The removal ticket was not closed.", cell),
        ],
    )
    widths = [0.6 * inch, 2.0 * inch, 0.7 * inch, 2.0 * inch, 1.6 * inch]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def build_intl_type_ii() -> bytes:
    """Build a day-first, "Type II", "deviations" SOC 2 report with running lines."""
    styles = getSampleStyleSheet()
    story: list[object] = [
        Paragraph("Quillon Data Ltd", styles["Title"]),
        Paragraph("SOC 2® Type II Report", styles["Heading2"]),
        Paragraph(
            "Report on Quillon Data Ltd's Description of Its Ledger Cloud System Relevant "
            "to Security and Confidentiality",
            styles["BodyText"],
        ),
        Paragraph(f"For the period {_INTL_PERIOD}", styles["BodyText"]),
        Paragraph("Issued by Tessellate Assurance LLP", styles["BodyText"]),
        PageBreak(),
    ]
    for kind, text in _intl_paragraphs():
        if kind == "br":
            story.append(PageBreak())
        elif kind == "h":
            story.append(Paragraph(text, styles["Heading2"]))
        else:
            story.extend([Paragraph(text, styles["BodyText"]), Spacer(1, 4)])
    story.append(_intl_table())
    story.extend(
        [
            PageBreak(),
            Paragraph(
                "SECTION V – OTHER INFORMATION PROVIDED BY QUILLON DATA LTD", styles["Heading2"]
            ),
            Paragraph(
                "QC-12: Deviation noted in a previous year was remediated.", styles["BodyText"]
            ),
        ]
    )
    return _build_with_running_lines(story)


def _build_with_running_lines(story: list[object]) -> bytes:
    total = _page_count(list(story), lambda c, d: None)

    def running(pdf: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        if doc.page == 1:
            return
        pdf.setFont("Helvetica", 8)
        pdf.drawString(inch, LETTER[1] - 0.5 * inch, "Quillon Data Ltd – Confidential")
        pdf.drawRightString(LETTER[0] - inch, 0.5 * inch, f"Page {doc.page} of {total}")

    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1)
    template.build(story, onFirstPage=running, onLaterPages=running)
    return buffer.getvalue()


def _page_count(story: list[object], on_page: object) -> int:
    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1)
    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return int(template.page)


class _RunningPdf(FPDF):
    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("Helvetica", size=8)
            self.cell(
                0, 6, "Harrowgate Payroll, LLC | SOC 1 Type I Report", new_x="LMARGIN", new_y="NEXT"
            )

    def footer(self) -> None:
        if self.page_no() > 1:
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, f"Confidential - Page {self.page_no()} of {{nb}}", align="R")


def build_soc1_type_i_two_column() -> bytes:
    """Build an fpdf2 SOC 1 Type I report with a qualified opinion and two-column pages."""
    pdf = _RunningPdf()
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    for line in (
        "Harrowgate Payroll, LLC",
        "SOC 1 - Type I Report",
        "Report on Harrowgate Payroll, LLC's Description of Its Payroll System and on "
        "the Suitability of the Design of Its Controls",
        "As of June 30, 2024",
    ):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    _fpdf_lines(
        pdf,
        [
            "Section 1: Independent Service Auditor's Report",
            "To Management of Harrowgate Payroll, LLC:",
            "We have examined Harrowgate Payroll, LLC's description of its payroll system as of "
            "June 30, 2024 and the suitability of the design of controls to achieve the related "
            "control objectives, in accordance with AT-C section 320.",
            "Basis for Qualified Opinion",
            "The description states that payroll changes are approved; the control was not "
            "suitably designed because approvals were not retained.",
            "Qualified Opinion",
            "In our opinion, except for the matter described in the Basis for Qualified Opinion "
            "paragraph, in all material respects, the description fairly presents the payroll "
            "system as of June 30, 2024 and the controls were suitably designed.",
            "Merrow Fitch CPAs, P.C.",
            "Hartford, Connecticut",
            "August 9, 2024",
        ],
    )
    pdf.add_page()
    _fpdf_lines(
        pdf,
        [
            "Section 2: Harrowgate Payroll, LLC's Assertion",
            "We confirm that the description fairly presents the payroll system as of "
            "June 30, 2024.",
        ],
    )
    pdf.add_page()
    _fpdf_lines(pdf, ["Section 3: Description of Harrowgate Payroll, LLC's Payroll System"])
    prose = (
        "Harrowgate processes payroll for regional employers and files payroll taxes. "
        "Exception handling procedures route rejected payments to an operations queue. "
    ) * 8
    with pdf.text_columns(ncols=2, gutter=8) as columns:
        columns.write(prose)
        columns.ln()
        columns.write("Harrowgate does not use any subservice organizations. " * 4)
    pdf.ln(4)
    _fpdf_lines(
        pdf,
        [
            "User Control Considerations",
            "1. User entities are responsible for approving pay rate changes before submission.",
            "2. User entities are responsible for reviewing payroll registers each cycle.",
            "Section 4: Control Objectives and Related Controls",
            "Control Objective 1 - Payroll Changes: Controls provide reasonable assurance that "
            "changes are authorized.",
        ],
    )
    return bytes(pdf.output())


def _fpdf_lines(pdf: FPDF, lines: list[str]) -> None:
    for text in lines:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def build_column_major_table() -> bytes:
    """Build a SOC 2 Type 2 whose test table is written one column at a time."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=1)
    text = pdf.beginText(inch, LETTER[1] - inch)
    for line in (
        "Fenwick Orbit, Inc. SOC 2 Type 2 Report",
        "Section 1: Independent Service Auditor's Report",
        "We have examined Fenwick Orbit, Inc.'s description throughout the period",
        "January 1, 2024 to December 31, 2024 based on the trust services criteria relevant to",
        "Security (the applicable trust services criteria).",
        "In our opinion, in all material respects, the controls operated effectively",
        "throughout the period January 1, 2024 to December 31, 2024.",
        "/s/ Larkspur & Vell LLP",
        "Larkspur & Vell LLP",
        "Boston, Massachusetts",
        "February 14, 2025",
    ):
        text.textLine(line)
    pdf.drawText(text)
    pdf.showPage()
    pdf.drawString(
        inch,
        LETTER[1] - inch,
        "Section 4: Trust Services Criteria, Related Controls, and Tests of Controls",
    )
    rows = [
        (
            f"CC6.1.{n}",
            f"Access control activity {n} is performed.",
            "Exception noted. For 1 of 20" if n == 4 else "No exceptions noted.",
        )
        for n in range(1, 7)
    ]
    for column, x in ((0, inch), (1, 2.2 * inch), (2, 5.2 * inch)):
        for row_number, row in enumerate(rows):
            pdf.drawString(x, LETTER[1] - 1.6 * inch - row_number * 0.5 * inch, row[column])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def build_image_only() -> bytes:
    """Build a scanned-looking PDF: one page holding only an image."""
    from PIL import Image  # Imported here: only this fixture needs it.

    image = Image.new("L", (200, 260), color=235)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=1)
    from reportlab.lib.utils import ImageReader

    pdf.drawImage(ImageReader(image), inch, inch, width=5 * inch, height=6.5 * inch)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypt(data: bytes, *, user_password: str, owner_password: str) -> bytes:
    """Return the PDF encrypted with the given passwords (AES-128)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def deflate_zeros(total: int) -> bytes:
    """Return a zlib stream of `total` zero bytes (a multiple of 1 MiB), built in milliseconds.

    After a sync flush every further megabyte of zeros compresses to the same bytes, so
    the stream is one compressed block repeated, plus the Adler-32 of all zeros.
    """
    chunk = bytes(1 << 20)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = raw.compress(chunk) + raw.flush(zlib.Z_SYNC_FLUSH)
    repeated = raw.compress(chunk) + raw.flush(zlib.Z_SYNC_FLUSH)
    final = raw.flush(zlib.Z_FINISH)
    adler = ((total % 65521) << 16) | 1
    blocks = first + repeated * (total // len(chunk) - 1)
    return b"\x78\xda" + blocks + final + adler.to_bytes(4, "big")


def build_compression_bomb(expanded_bytes: int = 1024**3) -> bytes:
    """Build a ~1 MB PDF whose page content inflates to `expanded_bytes` of zeros."""
    stream = deflate_zeros(expanded_bytes)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body = io.BytesIO()
    body.write(b"%PDF-1.7\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(body.tell())
        body.write(b"%d 0 obj\n" % number + content + b"\nendobj\n")
    xref = body.tell()
    body.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        body.write(b"%010d 00000 n \n" % offset)
    body.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return body.getvalue()


HTML_WITH_PDF_HEADER = (
    b"%PDF-1.7\n<html><head><title>Invoice</title></head><body><p>This is a web page.</p>"
    b"<script>alert(1)</script></body></html>\n%%EOF\n"
)


def _raw_pdf(objects: list[bytes], *, root: int = 1) -> bytes:
    """Write numbered objects (1, 2, …) as a PDF with a correct cross-reference table."""
    body = io.BytesIO()
    body.write(b"%PDF-1.7\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(body.tell())
        body.write(b"%d 0 obj\n" % number + content + b"\nendobj\n")
    xref = body.tell()
    body.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        body.write(b"%010d 00000 n \n" % offset)
    body.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, xref)
    )
    return body.getvalue()


def build_many_pages(pages: int) -> bytes:
    """Build a PDF of `pages` blank pages (all sharing one empty content stream)."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
    return _raw_pdf(objects + [page] * pages)


def build_page_tree_cycle() -> bytes:
    """Build a PDF whose page tree contains itself, so walking it never ends."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
    ]
    return _raw_pdf(objects)


def random_after_header(size: int = 64 * 1024, *, seed: int = 7) -> bytes:
    """Return a PDF header followed by noise and an end-of-file marker."""
    import random  # Imported here: only this fixture needs it.

    noise = random.Random(seed).randbytes(size)
    return b"%PDF-1.7\n" + noise + b"\n%%EOF\n"


def with_active_content(data: bytes) -> bytes:
    """Return the PDF with document JavaScript, a Launch action and an embedded file added."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_attachment("notes.txt", b"an attached file")
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    names = writer.root_object["/Names"]
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(script)])}
    )
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_appended_zip(data: bytes) -> bytes:
    """Return the PDF with a ZIP archive appended after its end-of-file marker."""
    import zipfile  # Imported here: only this fixture needs it.

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.txt", "something hidden after the PDF")
    return data + archive.getvalue()


# The EICAR anti-virus test file: harmless, and matched by every scanner by design.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def with_eicar(data: bytes) -> bytes:
    """Return the PDF carrying the EICAR test string in a comment before its end."""
    end = data.rfind(b"%%EOF")
    return data[:end] + b"%" + EICAR + b"\n" + data[end:]
