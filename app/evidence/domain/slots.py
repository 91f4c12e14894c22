"""Plain words for an upload that does not fit the question it was uploaded for.

Nothing here blocks an upload: the vendor is told at once and may replace the file. The checks
are about what the document is (its kind, its type, its dates, whose it is), compared with what
the question asks for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from app.scoring.domain.identity import is_own
from app.scoring.domain.inputs import DocumentFacts, VendorProfile
from app.scoring.domain.targets import describe_kinds, is_kind

_ASKS_TYPE_2 = re.compile(r"\btype\s*(?:2|ii)\b", re.IGNORECASE)


def _what_it_is(doc: DocumentFacts) -> str:
    if doc.doc_kind == "soc_report" and doc.framework:
        kind = f"{doc.framework} Type {doc.report_type[-1]}" if doc.report_type else doc.framework
        return f"a {kind} report"
    if doc.doc_kind == "iso_certificate":
        return f"an ISO/IEC {doc.iso_standard} certificate"
    return {
        "bridge_letter": "a bridge letter",
        "iso_certificate": "an ISO certificate",
    }.get(doc.doc_kind, "not a SOC report, bridge letter or certificate")


def slot_problems(
    doc: DocumentFacts,
    *,
    asks_for: Sequence[str],
    question_text: str,
    profile: VendorProfile,
    today: date,
) -> list[str]:
    """Return what the vendor should know about a document uploaded for one question."""
    problems: list[str] = []
    if not is_own(doc, profile):
        problems.append(
            f"This document is about {doc.service_organization}, not about "
            f"{profile.organization_names[0]}. If it is yours under another name, say so below; "
            "if it is a subservice organisation's own report, file it as one; otherwise remove it."
        )
    if asks_for and not any(is_kind(doc, kind) for kind in asks_for):
        wanted = describe_kinds(asks_for)
        article = "an" if wanted[:1] in ("A", "E", "I", "O", "U") else "a"
        problems.append(f"This is {_what_it_is(doc)}; this question asks for {article} {wanted}.")
    elif doc.report_type == "type1" and _ASKS_TYPE_2.search(question_text):
        problems.append(
            "This is a Type 1 report: it describes controls at one date. The question asks for "
            "a Type 2 report, which also tests how the controls worked over a period."
        )
    expiry = doc.certificate_expiry
    if doc.doc_kind == "iso_certificate" and expiry is not None and expiry < today:
        problems.append(f"This certificate expired on {expiry:%d %B %Y}.")
    return problems
