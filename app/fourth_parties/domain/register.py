"""Roll the subservice organisations named in vendors' reports up into one register.

A fourth party is an organisation that one of our vendors relies on (a subservice organisation
of its SOC report). The same organisation is spelled many ways across reports ("Amazon Web
Services, Inc.", "Amazon Web Services"), so entries are grouped by the identifying words of the
name (``organization_key``). Per vendor, the most recent report that names the organisation
says whether it is carved out or included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from app.scoring.domain.identity import names_match, organization_key

CRITICAL = "critical"


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


def build_register(
    mentions: Iterable[NamedSubservice],
    held: Iterable[HeldReport],
    vendors: Iterable[KnownVendor],
) -> list[FourthParty]:
    """Return the register, the most concentrated fourth parties first."""
    latest: dict[tuple[str, int], NamedSubservice] = {}
    spellings: dict[str, list[str]] = {}
    for mention in mentions:
        for organization in mention.organizations:
            key = organization_key(organization)
            if not key:
                continue
            spellings.setdefault(key, []).append(organization.strip())
            current = latest.get((key, mention.vendor_id))
            if current is None or _newer(mention, current):
                latest[(key, mention.vendor_id)] = mention
    held_reports = list(held)
    known = list(vendors)
    entries = [
        _entry(key, _display_name(names), latest, held_reports, known)
        for key, names in spellings.items()
    ]
    return sorted(entries, key=lambda e: (-e.vendor_count, -e.critical_count, e.name.lower()))


def _entry(
    key: str,
    name: str,
    latest: dict[tuple[str, int], NamedSubservice],
    held: list[HeldReport],
    vendors: list[KnownVendor],
) -> FourthParty:
    dependents = tuple(
        sorted(
            (
                Dependent(m.vendor_id, m.vendor_name, m.vendor_tier, m.method, m.document_id)
                for (k, _), m in latest.items()
                if k == key
            ),
            key=lambda d: d.vendor_name.lower(),
        )
    )
    own = tuple(sorted(h.document_id for h in held if names_match(h.organization, [name])))
    record = next((v for v in vendors if names_match(name, v.names, v.domain)), None)
    return FourthParty(key, name, dependents, own, record)
