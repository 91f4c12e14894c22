"""Name the standard a workbook follows (CAIQ, HECVAT, K-12CVAT, SIG) from what it says of itself.

Sheet names and the first rows of each sheet carry the name and version ("CAIQv4.0.3",
"HECVAT - Full | Vendor Response" with "Version 3.04"); the questions themselves are found
by structure (`sheet_layout`), so a layout not named here still imports, as "generic".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from app.questionnaires.domain.sheet_layout import question_sheets, workbook_questions
from app.questionnaires.domain.source import SourceQuestionnaire
from app.questionnaires.domain.workbook import Workbook, text_of

_VERSION: Final = re.compile(r"\bv(?:ersion)?\s*(\d+(?:\.\d+){0,2})\b", re.IGNORECASE)
_HECVAT_EDITION: Final = re.compile(r"\b(full|lite|core|on-?prem(?:ise)?)\b", re.IGNORECASE)
_SIG_EDITION: Final = re.compile(r"\bsig\s*(lite|core|full)\b", re.IGNORECASE)
SCAN_ROWS: Final = 6


@dataclass(frozen=True)
class Standard:
    """A recognised layout: its format name, edition, title and default slug."""

    format: str
    edition: str
    title: str
    slug: str


def _signals(workbook: Workbook) -> str:
    """Return the sheet names and the first rows' text, where a workbook names itself."""
    parts = []
    for sheet in workbook.sheets:
        parts.append(sheet.name)
        for line in sheet.rows[:SCAN_ROWS]:
            parts.extend(text_of(value) for value in line[:8] if isinstance(value, str))
    return "\n".join(parts)


def _version(text: str) -> str:
    match = _VERSION.search(text)
    return match.group(1) if match else ""


def _slug(*words: str) -> str:
    joined = "-".join(words).lower()
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", joined)).strip("-")


def recognise(workbook: Workbook) -> Standard:
    """Return the standard a workbook follows, or the generic layout."""
    question_names = "\n".join(sheet.name for sheet, _ in question_sheets(workbook))
    signals = _signals(workbook)
    if re.search(r"\bCAIQ", question_names + signals, re.IGNORECASE):
        version = _version(question_names.replace("CAIQ", " ")) or _version(signals)
        major = version.split(".")[0] or "4"
        title = f"CSA CAIQ v{version}" if version else "CSA CAIQ"
        return Standard("caiq", version, title, _slug("caiq", f"v{major}"))
    if re.search(r"K-?12\s*CVAT", signals, re.IGNORECASE):
        version = _version(signals)
        return Standard("k12cvat", version, f"CoSN K-12CVAT {version}".strip(), "k12cvat")
    if re.search(r"HECVAT", signals, re.IGNORECASE):
        found = _HECVAT_EDITION.search(question_names) or _HECVAT_EDITION.search(signals)
        edition = (found.group(1) if found else "full").lower().replace("onprem", "on-prem")
        edition = "on-premise" if edition.startswith("on") else edition
        version = _version(signals)
        title = f"HECVAT {edition.title()} {version}".strip()
        return Standard(f"hecvat-{edition}", version, title, _slug("hecvat", edition))
    sig = _SIG_EDITION.search(signals)
    if sig or re.search(r"Shared Assessments", signals, re.IGNORECASE):
        edition = sig.group(1).lower() if sig else "core"
        version = _version(signals)
        title = f"SIG {edition.title()} {version}".strip()
        return Standard(f"sig-{edition}", version, title, _slug("sig", edition))
    return Standard("generic", "", "", "")


def read_standard(workbook: Workbook) -> SourceQuestionnaire:
    """Read a workbook's questions and name its layout."""
    standard = recognise(workbook)
    questions = tuple(workbook_questions(workbook))
    return SourceQuestionnaire(standard.format, standard.edition, standard.title, questions)
