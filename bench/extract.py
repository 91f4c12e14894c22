"""Benchmark: SOC report extraction against raw pypdfium2 text extraction.

Generates 20-, 100- and 300-page SOC 2 Type 2 reports with reportlab, then times the full
sandboxed pipeline (`extract_facts_from_pdf`) and plain pypdfium2 text extraction of the
same file in the same run. Prints a table; the last line is one JSON object.

    .venv/bin/python bench/extract.py
"""

from __future__ import annotations

import gc
import io
import json
import os
import resource
import statistics
import time
from collections.abc import Callable

PAGE_COUNTS = (20, 100, 300)
REPEATS = 15
_LINES_PER_PAGE = 48


def _report_lines(pages: int) -> list[list[str]]:
    """Return the text lines of each page of a synthetic SOC 2 Type 2 report."""
    period = "January 1, 2024 to December 31, 2024"
    org = "Bench Harbor Systems, Inc."
    front = [
        [
            "Bench Harbor Systems, Inc.",
            "System and Organization Controls (SOC) 2 Type 2 Report",
            "Report on Bench Harbor Systems, Inc.'s Description of Its Ledger Platform and on the",
            "Suitability of the Design and Operating Effectiveness of Its Controls Relevant to",
            "Security and Availability",
            f"Throughout the Period {period}",
            "Prepared by Quarry & Stone LLP",
        ],
        [
            "Section 1: Independent Service Auditor's Report",
            "To Management of Bench Harbor Systems, Inc.:",
            f"We have examined the accompanying description of {org}'s Ledger Platform",
            f"throughout the period {period}, based on the trust services criteria relevant to",
            "Security and Availability (the applicable trust services criteria).",
            'Bench Harbor uses Amazon Web Services, Inc. (the "subservice organization")',
            "to provide hosting.",
            "The description excludes the controls of the subservice organization",
            "(the carve-out method).",
            *["The examination followed the attestation standards of the AICPA."] * 20,
            "In our opinion, in all material respects, the controls stated in the description",
            "operated",
            f"effectively throughout the period {period}.",
            "/s/ Quarry & Stone LLP",
            "Quarry & Stone LLP",
            "Denver, Colorado",
            "February 20, 2025",
        ],
        [
            "Section 2: Assertion of Bench Harbor Systems, Inc. Management",
            f"We confirm that the controls operated effectively throughout the period {period}.",
        ],
        [
            "Section 3: Bench Harbor Systems, Inc.'s Description of Its Ledger Platform",
            *["The platform processes ledger entries for customers and is monitored continuously."]
            * 30,
            "Complementary User Entity Controls",
            "• User entities are responsible for managing their own users' access.",
            "• User entities are responsible for reviewing reports provided by Bench Harbor.",
        ],
    ]
    body: list[list[str]] = []
    row = 0
    while len(front) + len(body) < pages:
        lines = (
            ["Section 4: Trust Services Criteria, Related Controls, and Tests of Controls"]
            if not body
            else []
        )
        while len(lines) < _LINES_PER_PAGE - 4:
            row += 1
            result = (
                "Exception noted. For 1 of 25 samples." if row % 97 == 0 else "No exceptions noted."
            )
            lines += [
                f"CC{1 + row % 9}.{1 + row % 4}.{row} Control activity number {row} is performed",
                "by the responsible team and reviewed by management each period.",
                "Inspected evidence for a sample of items to determine operation.",
                result,
            ]
        body.append(lines)
    return front + body


def build_report(pages: int) -> bytes:
    """Build a deterministic SOC 2 Type 2 PDF with exactly `pages` pages."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=1)
    all_pages = _report_lines(pages)
    for number, lines in enumerate(all_pages, start=1):
        text = pdf.beginText(54, LETTER[1] - 54)
        text.setFont("Helvetica", 9)
        for line in lines:
            text.textLine(line)
        pdf.drawText(text)
        if number > 1:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(
                54,
                30,
                f"Bench Harbor Systems, Inc. | SOC 2 Type 2 Report   Confidential   "
                f"Page {number} of {len(all_pages)}",
            )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def raw_pdfium_text(data: bytes) -> list[str]:
    """Extract page texts with pypdfium2 alone, the baseline."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    texts = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    document.close()
    return texts


def _timed(action: Callable[[bytes], object], data: bytes) -> float:
    """Return the seconds one call takes, starting from the same idle, warm state."""
    from app.reports.sandbox import warm_up

    # The pipeline starts the next document's readers in the background once it is done;
    # wait for them so that neither side is timed while that start-up is still running.
    warm_up()
    gc.collect()
    started = time.perf_counter()
    action(data)
    return time.perf_counter() - started


def _paired_timings(
    baseline: Callable[[bytes], object], action: Callable[[bytes], object], data: bytes
) -> list[tuple[float, float]]:
    """Time baseline and action back to back, alternating which goes first."""
    pairs = []
    for repeat in range(REPEATS):
        if repeat % 2:
            full = _timed(action, data)
            raw = _timed(baseline, data)
        else:
            raw = _timed(baseline, data)
            full = _timed(action, data)
        pairs.append((raw, full))
    return pairs


def _stage_timings(data: bytes) -> tuple[float, float, int]:
    """Return median seconds of the sandboxed read and of the rules, and the child's peak KB."""
    from app.reports.extraction import facts_from_text
    from app.reports.sandbox import read_pdf_text_sandboxed

    text = read_pdf_text_sandboxed(data)
    read = statistics.median(_timed(read_pdf_text_sandboxed, data) for _ in range(5))
    rules = statistics.median(_timed(lambda _: facts_from_text(text), data) for _ in range(5))
    return read, rules, text.peak_memory_kb


def main() -> None:
    from app.reports.extraction import extract_facts_from_pdf
    from app.reports.sandbox import warm_up

    warm_up()
    rows = []
    for pages in PAGE_COUNTS:
        data = build_report(pages)
        result = extract_facts_from_pdf(data)
        if result.page_count != pages or result.framework != "SOC 2":
            raise SystemExit(f"unexpected extraction: {result.as_dict()}")
        pairs = _paired_timings(raw_pdfium_text, extract_facts_from_pdf, data)
        raw = statistics.median(r for r, _ in pairs)
        full = statistics.median(f for _, f in pairs)
        ratio = statistics.median(f / r for r, f in pairs)
        read_seconds, rules_seconds, child_kb = _stage_timings(data)
        rows.append(
            {
                "pages": pages,
                "seconds": round(full, 4),
                "pages_per_second": round(pages / full, 1),
                "raw_pdfium_seconds": round(raw, 4),
                "ratio_to_raw": round(ratio, 2),
                "best_ratio": round(min(f for _, f in pairs) / min(r for r, _ in pairs), 2),
                "sandboxed_read_seconds": round(read_seconds, 4),
                "rules_seconds": round(rules_seconds, 4),
                "child_peak_rss_mb": round(child_kb / 1024, 1),
                "exceptions_found": result.exceptions_count,
            }
        )
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'pages':>6} {'s/doc':>8} {'pages/s':>9} {'raw s':>8} {'ratio':>6} {'best':>6} "
        f"{'read s':>8} {'rules s':>8} {'child MB':>9}"
    )
    for row in rows:
        print(
            f"{row['pages']:>6} {row['seconds']:>8.4f} {row['pages_per_second']:>9.1f} "
            f"{row['raw_pdfium_seconds']:>8.4f} {row['ratio_to_raw']:>6.2f} "
            f"{row['best_ratio']:>6.2f} {row['sandboxed_read_seconds']:>8.4f} "
            f"{row['rules_seconds']:>8.4f} "
            f"{row['child_peak_rss_mb']:>9.1f}"
        )
    print(
        f"parent peak RSS {parent_mb:.1f} MB; median of {REPEATS} paired runs, alternating "
        f"order (ratio = median of per-pair ratios, best = min/min); {os.cpu_count()} cores"
    )
    print(
        json.dumps(
            {
                "benchmark": "reports.extract",
                "cpu_count": os.cpu_count(),
                "repeats": REPEATS,
                "parent_peak_rss_mb": round(parent_mb, 1),
                "documents": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
