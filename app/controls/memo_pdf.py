"""The CUEC memo as a PDF: a title per report, what the report is, and a table of its CUECs."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.controls.memo import ROW_HEADERS, Memo, MemoReport

_COLUMNS_MM = (70, 20, 35, 40, 14, 50, 20, 0, 28)  # "Confirmed by" is left out: owners sign
_SHOWN = tuple(index for index, width in enumerate(_COLUMNS_MM) if width)


def _text(value: object) -> str:
    return escape("" if value is None else str(value))


def _part(part: MemoReport, styles: dict[str, Any]) -> list[Flowable]:
    body, small = styles["BodyText"], styles["small"]
    flow: list[Flowable] = [Paragraph(_text(part.title), styles["Heading2"])]
    for label, value in part.facts:
        flow.append(Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", body))
    header = [Paragraph(f"<b>{_text(ROW_HEADERS[i])}</b>", small) for i in _SHOWN]
    rows = [[Paragraph(_text(row[i]), small) for i in _SHOWN] for row in part.rows]
    table = Table([header, *rows], colWidths=[_COLUMNS_MM[i] * mm for i in _SHOWN], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [*flow, Spacer(1, 4 * mm), table, Spacer(1, 8 * mm)]


def memo_pdf(memo: Memo) -> bytes:
    """Write the memo as an A4 landscape PDF."""
    sheet = getSampleStyleSheet()
    small = sheet["BodyText"].clone("small", fontSize=8, leading=10)
    styles: dict[str, Any] = {
        "BodyText": sheet["BodyText"],
        "Heading1": sheet["Heading1"],
        "Heading2": sheet["Heading2"],
        "small": small,
    }
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=f"CUEC memo: {memo.vendor}",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
    )
    flow: list[Flowable] = [
        Paragraph(_text(f"CUEC memo: {memo.vendor}"), sheet["Heading1"]),
        Paragraph(_text(f"Prepared on {memo.prepared_on.isoformat()}"), sheet["BodyText"]),
    ]
    if not memo.reports:
        flow.append(
            Paragraph("The reports on file list no complementary user entity controls.", small)
        )
    for part in memo.reports:
        flow.extend(_part(part, styles))
    document.build(flow)
    return buffer.getvalue()
