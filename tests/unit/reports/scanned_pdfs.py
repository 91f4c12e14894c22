"""Synthetic documents whose pages are images of text, as a scanner or a signature leaves them.

Each page is first typeset with reportlab, rendered to a bitmap with pypdfium2 and placed
back as an image, so the PDF holds no text for that page: only OCR can read it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

_SCAN_SCALE = 200 / 72


def _typeset(lines: Sequence[str]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=True)
    pdf.setFont("Helvetica", 11)
    y = 740
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 16
    pdf.save()
    return buffer.getvalue()


def build_document(pages: Sequence[tuple[bool, Sequence[str]]]) -> bytes:
    """Build a PDF from (scanned?, lines) per page; scanned pages hold only an image."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=True)
    width, height = LETTER
    for scanned, lines in pages:
        if scanned:
            document = pdfium.PdfDocument(_typeset(lines))
            image = document[0].render(scale=_SCAN_SCALE, grayscale=True).to_pil()
            pdf.drawImage(ImageReader(image), 0, 0, width=width, height=height)
            document.close()
        else:
            pdf.setFont("Helvetica", 11)
            y = 740
            for line in lines:
                pdf.drawString(60, y, line)
                y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


COVER = [
    "Sorrel Compute, Inc.",
    "System and Organization Controls (SOC) 3 Report",
    "Report on Sorrel Compute, Inc.'s Cloud Platform Relevant to Security and Availability",
    "For the period April 1, 2024 to March 31, 2025",
]
AUDITOR_REPORT = [
    "Pellham & Voss LLP",
    "12 Harbor Road",
    "Independent Service Auditor's Report",
    "To the Management of Sorrel Compute, Inc.:",
    "We have examined management's assertion that Sorrel Compute, Inc.'s controls over the",
    "Cloud Platform were effective throughout the period April 1, 2024 to March 31, 2025,",
    "based on the trust services criteria relevant to security and availability.",
    "Opinion",
    "In our opinion, Sorrel's controls over the system were effective throughout the period",
    "April 1, 2024 to March 31, 2025, based on the applicable trust services criteria.",
    "12 May 2025",
    "Portland, Oregon",
]
ASSERTION = [
    "Management's Assertion",
    "We are responsible for designing, implementing, operating and maintaining effective",
    "controls within the Cloud Platform throughout the period April 1, 2024 to March 31, 2025,",
    "based on the trust services criteria relevant to security and availability.",
    "Sorrel Compute, Inc.",
]


def soc3_with_scanned_auditor_report() -> bytes:
    """A SOC 3 whose auditor's report page is a scan between text pages."""
    return build_document([(False, COVER), (True, AUDITOR_REPORT), (False, ASSERTION)])
