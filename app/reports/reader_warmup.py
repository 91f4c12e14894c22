"""Warm PDFium's process-wide caches in the sandbox's forkserver, before any child is forked.

PDFium builds its standard-font faces and glyph tables the first time a process uses
them, which made the first document in a fresh child a quarter slower to read than the
same document in a long-running process. The forkserver imports this module once: it
reads a small built-in PDF that sets every printable ASCII character in each of the 14
standard fonts, so every child starts with those caches already filled. No uploaded
file is ever read here.
"""

from __future__ import annotations

from app.reports.pdf_text import read_pdf_text

_STANDARD_FONTS = (
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Symbol",
    "ZapfDingbats",
)


def standard_fonts_pdf() -> bytes:
    """Build a one-page PDF that sets printable ASCII in each of the 14 standard fonts."""
    sample = "".join(chr(code) for code in range(32, 127))
    literal = sample.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    lines = [
        f"BT /F{number} 7 Tf 20 {760 - 20 * number} Td ({literal}) Tj ET"
        for number in range(1, len(_STANDARD_FONTS) + 1)
    ]
    content = "\n".join(lines).encode("latin-1")
    fonts = " ".join(f"/F{n} {n + 4} 0 R" for n in range(1, len(_STANDARD_FONTS) + 1))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << " + fonts.encode() + b" >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *(
            f"<< /Type /Font /Subtype /Type1 /BaseFont /{name} >>".encode()
            for name in _STANDARD_FONTS
        ),
    ]
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        body += b"%010d 00000 n \n" % offset
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(body)


read_pdf_text(standard_fonts_pdf())
