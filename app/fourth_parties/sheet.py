"""The register as a spreadsheet: one row per fourth party and dependent vendor."""

from __future__ import annotations

from collections.abc import Mapping

from app.fourth_parties.domain.register import FourthParty
from app.reviews.exports import ExportValue, Sheet

HEADERS = (
    "Fourth party",
    "Vendors behind it",
    "Critical vendors",
    "Own report on file",
    "Our vendor record",
    "Dependent vendor",
    "Dependent tier",
    "Carve-out or inclusive",
    "Named in document",
)


def register_sheet(entries: list[FourthParty], document_names: Mapping[int, str]) -> Sheet:
    """Return the register flattened for CSV: each dependent on its own row.

    ``document_names`` gives each report's file name, which is how people know it.
    """
    rows: list[tuple[ExportValue, ...]] = []
    for entry in entries:
        head: tuple[ExportValue, ...] = (
            entry.name,
            entry.vendor_count,
            entry.critical_count,
            "yes" if entry.holds_report else "no",
            entry.vendor_record.name if entry.vendor_record else "",
        )
        for dependent in entry.dependents:
            rows.append(
                (
                    *head,
                    dependent.vendor_name,
                    dependent.tier or "",
                    dependent.method or "unknown",
                    document_names.get(dependent.document_id, ""),
                )
            )
    return Sheet("Fourth parties", HEADERS, tuple(rows))
