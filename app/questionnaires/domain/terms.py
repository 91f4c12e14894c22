"""Assurance terms in free text: one spelling for SOC, Type, ISO/IEC 27001, SSAE 16 and SAS 70.

"SOC2", "SOC-2", "SOC II", "Service Organization Control 2" and "SOC 2®" all become the
token `soc2` ("SOC" alone becomes `socx`); "Type II" becomes `type2`; "ISO/IEC 27001:2022"
becomes `iso27001`, "ISO 9001" `iso9001`; "SSAE No. 16" becomes `ssae16`, "SSAE 18"
`ssae18`; "SAS-70" becomes `sas70`; "ISO/IEC 42001:2023" becomes `iso42001`; "the EU AI Act"
becomes `the aiact`; "artificial intelligence" becomes `ai`.
"""

from __future__ import annotations

import re
from typing import Final

_CHARACTER_FIXES = str.maketrans(
    {"\u00ae": " ", "\u2122": " ", "\u2019": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-"}
)
_NORMALISERS: Final = (
    (
        re.compile(r"\biso\s*(?:/\s*iec\s*)?[-_]?\s*27001(?:\s*:\s*\d{4})?\b|\biso\s*27k\b"),
        "iso27001",
    ),
    (re.compile(r"\biso\s*(?:/\s*iec\s*)?[-_]?\s*42001(?:\s*:\s*\d{4})?\b"), "iso42001"),
    (
        re.compile(
            r"\b(?:(?:eu|european(?:\s+union)?)(?:'s)?\s+)?(?:ai|artificial\s+intelligence)\s+act\b"
            r"|\bregulation\s*\(\s*eu\s*\)\s*2024\s*/\s*1689\b"
        ),
        "aiact",
    ),
    (re.compile(r"\bartificial\s+intelligence\b|\ba\.i\.(?=\s|$)"), "ai"),
    (re.compile(r"\bssae\s*(?:no\.?\s*)?[-_]?\s*16\b"), "ssae16"),
    (re.compile(r"\bssae\s*(?:no\.?\s*)?[-_]?\s*18\b"), "ssae18"),
    (re.compile(r"\biso\s*(?:/\s*iec\s*)?[-_]?\s*9001(?:\s*:\s*\d{4})?\b"), "iso9001"),
    (re.compile(r"\bsas\s*(?:no\.?\s*)?[-_]?\s*70\b"), "sas70"),
    (re.compile(r"\btype\s*[-_]?\s*(?:ii|two|2)\b"), "type2"),
    (re.compile(r"\btype\s*[-_]?\s*(?:i|one|1)\b"), "type1"),
)
_SOC_MENTION = re.compile(
    r"\b(?:soc|service\s+organi[sz]ation\s+controls?|system\s+and\s+organi[sz]ation\s+controls?)"
    r"(?:\s*[-_]?\s*(iii|ii|i|three|two|one|[123]))?\b"
)
_SOC_NUMBER = {"1": "1", "i": "1", "one": "1", "2": "2", "ii": "2", "two": "2"}
_SOC_NUMBER |= {"3": "3", "iii": "3", "three": "3"}
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
"""Words and single punctuation marks of a normalised text."""


def normalise(text: str) -> str:
    """Lower-case text and rewrite framework mentions to markers (soc2, type2, iso27001 …)."""
    # Collapsing whitespace first keeps the `\s*` patterns below linear on any input.
    normalised = " ".join(text.translate(_CHARACTER_FIXES).lower().split())
    for pattern, marker in _NORMALISERS:
        normalised = pattern.sub(f" {marker} ", normalised)

    def soc_marker(match: re.Match[str]) -> str:
        """Rewrite one SOC mention as soc1/soc2/soc3, or socx without a number."""
        return f" soc{_SOC_NUMBER.get(match.group(1) or '', 'x')} "

    return " ".join(_SOC_MENTION.sub(soc_marker, normalised).split())


"""Words and single punctuation marks of a normalised text."""
