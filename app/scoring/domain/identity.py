"""Whether a document is about the vendor: the organisation it names against the vendor's names.

The most common upload mistake in due diligence is a report about someone else: the parent's,
a product brand's, or the hosting provider's. A document counts as the vendor's when the
organisation it is about matches the vendor's legal name, one of its other names (trading,
former, parent, brands) or its web domain, once case, punctuation, accents, legal suffixes and
possessives ("Orchard Lane's System") are set aside.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.reports.domain.names import normalize_name
from app.scoring.domain.inputs import DocumentFacts, VendorProfile

SUBSERVICE = "subservice"  # a subservice organisation's own report, filed for the vendor
_POSSESSIVE_TAIL = re.compile(r"['’]s?(?:\s|$).*$")
_LEADING_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
_DOMAIN_LABEL = re.compile(r"^(?:https?://)?(?:www\.)?([^./:]+)")


def organization_key(name: str) -> str:
    """Reduce an organisation name to the words that identify it."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _POSSESSIVE_TAIL.sub("", _LEADING_ARTICLE.sub("", text.strip()))
    return normalize_name(text)


def _domain_key(domain: str) -> str:
    match = _DOMAIN_LABEL.match(domain.strip().lower())
    return re.sub(r"[^a-z0-9]", "", match.group(1)) if match else ""


def _starts_with(longer: list[str], shorter: list[str]) -> bool:
    return bool(shorter) and longer[: len(shorter)] == shorter


def names_match(document_name: str, vendor_names: Iterable[str], domain: str = "") -> bool:
    """Tell whether an organisation named in a document is one of the vendor's names.

    One name may extend the other by whole words ("Lumenary" and "Lumenary Cloud"), since
    reports often add the product or the region to the company's name.
    """
    words = organization_key(document_name).split()
    if not words:
        return True  # nothing to compare: not a mismatch
    for name in vendor_names:
        other = organization_key(name).split()
        if _starts_with(words, other) or _starts_with(other, words):
            return True
    label = _domain_key(domain)
    return bool(label) and "".join(words) == label


@dataclass(frozen=True)
class Stranger:
    """A document about another organisation, and whether someone said what it is."""

    facts: DocumentFacts
    vendor_says_alias: bool


def is_own(doc: DocumentFacts, profile: VendorProfile) -> bool:
    """Tell whether a document counts as the vendor's own evidence."""
    if doc.identity == SUBSERVICE:
        return False
    if not profile.organization_names or not doc.service_organization:
        return True
    return names_match(
        doc.service_organization, profile.organization_names, profile.organization_domain or ""
    )


def split_documents(
    documents: tuple[DocumentFacts, ...], profile: VendorProfile
) -> tuple[tuple[DocumentFacts, ...], tuple[DocumentFacts, ...], tuple[Stranger, ...]]:
    """Return the vendor's own documents, subservice organisations' reports, and strangers."""
    own = tuple(doc for doc in documents if is_own(doc, profile))
    subservice = tuple(doc for doc in documents if doc.identity == SUBSERVICE)
    strangers = tuple(
        Stranger(doc, vendor_says_alias=doc.identity == "alias_proposed")
        for doc in documents
        if doc not in own and doc not in subservice
    )
    return own, subservice, strangers


def with_subservice_reports(
    profile: VendorProfile, reports: tuple[DocumentFacts, ...]
) -> VendorProfile:
    """Count subservice organisations' own reports as on file."""
    names = tuple(doc.service_organization for doc in reports if doc.service_organization)
    if not names:
        return profile
    on_file = (*profile.subservice_reports_on_file, *names)
    return profile.model_copy(update={"subservice_reports_on_file": on_file})
