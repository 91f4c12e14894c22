"""Roll the subservice organisations named in vendors' reports up into one register.

A fourth party is an organisation that one of our vendors relies on (a subservice organisation
of its SOC report). The same organisation is spelled many ways across reports ("Amazon Web
Services, Inc.", "Amazon Web Services"), so entries are grouped by the identifying words of the
name (``organization_key``). Per vendor, the most recent report that names the organisation
says whether it is carved out or included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from app.scoring.domain.identity import organization_key

CRITICAL = "critical"
_DOMAIN_LABEL = re.compile(r"^(?:https?://)?(?:www\.)?([^./:]+)")
Words = tuple[str, ...]


@dataclass(frozen=True)
class NamedSubservice:
    """A vendor's report naming its subservice organisations."""

    vendor_id: int
    vendor_name: str
    vendor_tier: str | None
    document_id: int
    organizations: tuple[str, ...]
    method: str | None  # "carve-out", "inclusive" or unknown
    as_of: date | None  # period end (or report date): the newer report wins
    # The method the report states for one organisation, by ``organization_key`` of its name,
    # where it differs from organisation to organisation.
    methods: tuple[tuple[str, str], ...] = ()

    def method_for(self, key: str) -> str | None:
        """How the report treats the organisation with this key."""
        return dict(self.methods).get(key, self.method)


@dataclass(frozen=True)
class HeldReport:
    """A document on file and the organisation it is about."""

    document_id: int
    organization: str


@dataclass(frozen=True)
class KnownVendor:
    """One of our vendors, with the names its documents may use."""

    vendor_id: int
    name: str
    names: tuple[str, ...]
    domain: str = ""


@dataclass(frozen=True)
class Dependent:
    """One of our vendors that relies on the fourth party."""

    vendor_id: int
    vendor_name: str
    tier: str | None
    method: str | None
    document_id: int


@dataclass(frozen=True)
class FourthParty:
    """One organisation of the register and who depends on it."""

    key: str
    name: str
    dependents: tuple[Dependent, ...]
    own_report_ids: tuple[int, ...]
    vendor_record: KnownVendor | None

    @property
    def vendor_count(self) -> int:
        return len(self.dependents)

    @property
    def critical_count(self) -> int:
        return sum(1 for d in self.dependents if d.tier == CRITICAL)

    @property
    def holds_report(self) -> bool:
        return bool(self.own_report_ids)

    @property
    def methods(self) -> tuple[str, ...]:
        """The distinct ways the vendors' reports treat it, known ones first."""
        return tuple(sorted({d.method or "unknown" for d in self.dependents}))

    @property
    def concentration(self) -> str:
        """The sentence a risk officer reads: how many vendors it sits behind."""
        vendors = "vendor" if self.vendor_count == 1 else "vendors"
        text = f"{self.name} sits behind {self.vendor_count} {vendors}"
        if self.critical_count:
            return f"{text}, {self.critical_count} of them critical"
        return text


def _newer(candidate: NamedSubservice, current: NamedSubservice) -> bool:
    return (candidate.as_of or date.min, candidate.document_id) > (
        current.as_of or date.min,
        current.document_id,
    )


def _display_name(spellings: Sequence[str]) -> str:
    """The most common spelling, the longer one on a tie (it usually carries the legal form)."""
    return max(set(spellings), key=lambda s: (spellings.count(s), len(s), s))


def _words(name: str) -> Words:
    return tuple(organization_key(name).split())


def _domain_label(domain: str) -> str:
    match = _DOMAIN_LABEL.match(domain.strip().lower())
    return re.sub(r"[^a-z0-9]", "", match.group(1)) if match else ""


class _NameIndex:
    """Finds the names that are the same organisation as a given one, as
    ``identity.names_match`` decides: one name may extend the other by whole words ("Nimbus"
    and "Nimbus Cloud"). Indexed by word prefixes, so a portfolio of thousands of vendors is
    not compared pair by pair."""

    def __init__(self) -> None:
        self._exact: dict[Words, list[int]] = {}
        self._extended: dict[Words, list[int]] = {}

    def add(self, words: Words, item: int) -> None:
        if not words:
            return
        self._exact.setdefault(words, []).append(item)
        for length in range(1, len(words) + 1):
            self._extended.setdefault(words[:length], []).append(item)

    def matches(self, words: Words) -> set[int]:
        found = set(self._extended.get(words, ()))
        for length in range(1, len(words)):
            found.update(self._exact.get(words[:length], ()))
        return found


class _Candidates:
    """Held reports and our vendors, indexed by the words of their names."""

    def __init__(self, held: Iterable[HeldReport], vendors: Iterable[KnownVendor]) -> None:
        self._reports = _NameIndex()
        for report in held:
            self._reports.add(_words(report.organization), report.document_id)
        self._vendors = list(vendors)
        self._vendor_names = _NameIndex()
        self._labels: dict[str, int] = {}
        for position, vendor in enumerate(self._vendors):
            for name in vendor.names:
                self._vendor_names.add(_words(name), position)
            label = _domain_label(vendor.domain)
            if label:
                self._labels.setdefault(label, position)

    def reports_about(self, words: Words) -> tuple[int, ...]:
        return tuple(sorted(self._reports.matches(words)))

    def vendor_named(self, words: Words) -> KnownVendor | None:
        found = self._vendor_names.matches(words)
        by_domain = self._labels.get("".join(words))
        if by_domain is not None:
            found.add(by_domain)
        return self._vendors[min(found)] if found else None


def build_register(
    mentions: Iterable[NamedSubservice],
    held: Iterable[HeldReport],
    vendors: Iterable[KnownVendor],
) -> list[FourthParty]:
    """Return the register, the most concentrated fourth parties first."""
    by_key: dict[str, dict[int, NamedSubservice]] = {}
    spellings: dict[str, list[str]] = {}
    for mention in mentions:
        for organization in mention.organizations:
            key = organization_key(organization)
            if not key:
                continue
            spellings.setdefault(key, []).append(organization.strip())
            latest = by_key.setdefault(key, {})
            current = latest.get(mention.vendor_id)
            if current is None or _newer(mention, current):
                latest[mention.vendor_id] = mention
    candidates = _Candidates(held, vendors)
    entries = [
        _entry(key, _display_name(names), by_key[key], candidates)
        for key, names in spellings.items()
    ]
    return sorted(entries, key=lambda e: (-e.vendor_count, -e.critical_count, e.name.lower()))


def _entry(
    key: str, name: str, latest: dict[int, NamedSubservice], candidates: _Candidates
) -> FourthParty:
    dependents = tuple(
        sorted(
            (
                Dependent(
                    m.vendor_id, m.vendor_name, m.vendor_tier, m.method_for(key), m.document_id
                )
                for m in latest.values()
            ),
            key=lambda d: d.vendor_name.lower(),
        )
    )
    words = tuple(key.split())
    return FourthParty(
        key, name, dependents, candidates.reports_about(words), candidates.vendor_named(words)
    )
