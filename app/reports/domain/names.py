"""Organization names: the written forms, legal suffixes, lists and normalisation."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

LEGAL_SUFFIX = (
    r"(?:Inc|Incorporated|L\.?L\.?C|L\.?L\.?P|L\.?P|Ltd|Limited|Corp|Corporation|Co|"
    r"P\.?C|PLLC|PLC|plc|GmbH|AG|S\.A|N\.V|B\.V|Pty\.?\s+Ltd|CPAs?|SE|S\.?r\.?l|Oy)\.?"
)
# Names are read within one line: a line break usually ends a heading or a cell.
_WORD = r"(?:[A-Z][\w&'’.\-]*|[0-9]+[A-Za-z][\w&'’.\-]*|&)"
_JOIN = r"(?:[ \t]+(?:and|of|for|de|du|the)[ \t]+|[ \t]*&[ \t]*|[ \t]+|-)"
# A capitalised run of words, optionally ending with a comma and a legal suffix.
NAME_PATTERN = rf"{_WORD}(?:{_JOIN}{_WORD}){{0,7}}(?:,?[ \t]+{LEGAL_SUFFIX})?"
# A name that must end with a legal suffix: how table rows delimit a name from the
# description that follows it on the same line.
NAME_WITH_SUFFIX_PATTERN = rf"{_WORD}(?:{_JOIN}{_WORD}){{0,7}}?,?[ \t]+{LEGAL_SUFFIX}"
_SUFFIX_AT_END = re.compile(rf"(?:,?\s+{LEGAL_SUFFIX})+$")
_HAS_SUFFIX = re.compile(rf"(?:^|[\s,]){LEGAL_SUFFIX}$")
_TRAILING_NOISE = re.compile(
    r"(?:\s+(?:Management|the|and|of|for|Board|Directors|To|Its|its|\d+))+$"
)
_PUNCT = re.compile(r"[^\w\s&]")
_SUFFIX_WORDS = {
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation",
    "co", "pc", "pllc", "plc", "gmbh", "ag", "sa", "nv", "bv", "pty", "cpa", "cpas",
    "se", "srl", "sl", "oy", "company",
}  # fmt: skip
_GENERIC = {
    "the", "company", "management", "service organization", "subservice organization",
    "section", "report", "the service organization", "we", "our", "soc",
}  # fmt: skip


def normalize_name(name: str) -> str:
    """Return a comparison key: no punctuation, case or trailing legal suffixes.

    The one key every comparison of organisation names uses (reading, scoring, evaluation).
    """
    flat = (
        unicodedata.normalize("NFKC", name).replace("’", "'").replace("'s ", " ").replace(".", "")
    )
    words = _PUNCT.sub(" ", flat).lower().split()
    words = ["and" if word == "&" else word for word in words]
    while len(words) > 1 and words[-1] in _SUFFIX_WORDS:
        words.pop()
    return " ".join(words)


def has_legal_suffix(name: str) -> bool:
    """Tell whether a name ends with a legal-entity suffix such as "Inc." or "LLP"."""
    return bool(_HAS_SUFFIX.search(name.strip()))


def clean_name(raw: str) -> str | None:
    """Tidy a captured name; None when what was captured is not a usable name."""
    name = " ".join(raw.split()).strip(" ,;:-\"“”'’(")
    name = re.sub(r"['’]s$", "", name)
    # "Kestrel's System" names the system; the organisation is its owner.
    name = re.sub(r"['’]s\s+(?:System|Platform|Services?|Environment|Application)s?$", "", name)
    previous = None
    while previous != name:
        previous = name
        name = _TRAILING_NOISE.sub("", name).strip(" ,")
    key = normalize_name(name)
    if not key or key in _GENERIC or len(key) < 2 or not re.search(r"[A-Za-z]", name):
        return None
    return name


def split_name_list(text: str) -> list[str]:
    """Split "A, Inc., B LLC and C" into names, keeping legal suffixes attached."""
    pieces = re.split(r",\s*(?:and\s+)?|\s+and\s+|;\s*", " ".join(text.split()))
    names: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if names and re.fullmatch(LEGAL_SUFFIX, piece):
            names[-1] = f"{names[-1]}, {piece}"
        else:
            names.append(piece)
    return [name for name in (clean_name(n) for n in names) if name]


def same_entity(short: str, long: str) -> bool:
    """Tell whether `short` is the defined short form of `long` (word prefix)."""
    short_words, long_words = normalize_name(short).split(), normalize_name(long).split()
    return 0 < len(short_words) <= len(long_words) and long_words[: len(short_words)] == short_words


def preferred_form(forms: Sequence[str]) -> str:
    """Choose how to print a name: with a legal suffix, most often seen, then longest."""
    counts = Counter(forms)
    return max(counts, key=lambda form: (has_legal_suffix(form), counts[form], len(form)))


def strip_suffix(name: str) -> str:
    """Return the name without trailing legal suffixes."""
    return _SUFFIX_AT_END.sub("", name).strip()
