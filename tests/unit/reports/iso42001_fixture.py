"""A synthetic ISO/IEC 42001 certificate: an invented body, organisation and numbers."""

from __future__ import annotations

import io
import textwrap

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ORGANISATION = "Quillwork Assist Ltd"
BODY = "Aldermoor Certification Services Ltd"
SCOPE = (
    "the design, training and operation of the Quillwork ticket summariser and its AI "
    "features, hosted in the European Economic Area."
)


def certificate_lines(*, expiry: str = "11 March 2028") -> list[str]:
    """Return the certificate's text, line by line, as a certification body prints it."""
    return [
        "CERTIFICATE OF REGISTRATION",
        "Certificate number: AIMS-2031-042",
        "This is to certify that the artificial intelligence management system of",
        ORGANISATION,
        "has been assessed and found to conform to the requirements of",
        "ISO/IEC 42001:2023",
        f"Scope of certification: {SCOPE}",
        "Original certification date: 12 March 2025",
        "Issue date: 12 March 2025",
        f"Expiry date: {expiry}",
        f"Issued by: {BODY}",
        "Accredited by UKAS, accreditation number 0000.",
        f"M. Aldous | Director, {BODY}",
    ]


def build_iso42001_certificate(*, expiry: str = "11 March 2028") -> bytes:
    """Return a one-page PDF certificate to ISO/IEC 42001:2023."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = 780
    for line in certificate_lines(expiry=expiry):
        for part in textwrap.wrap(line, 90):
            pdf.setFont("Helvetica", 10)
            pdf.drawString(50, y, part)
            y -= 14
        y -= 8
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
