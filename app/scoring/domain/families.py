"""Exception severity families: which criterion an exception touches and what it weighs.

Access, monitoring and change-management exceptions weigh more than training misses
(SOC-REPORTS.md §4.7), so the exceptions factor subtracts a family weight per exception
rather than counting them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.scoring.domain.inputs import DocumentFacts, ExceptionItem
from app.scoring.domain.policy import ExceptionsPolicy

FamilyName = Literal["high", "medium", "low", "unmapped"]

_CRITERION_REF = re.compile(
    r"\b(CC\d{1,2}(?:\.\d{1,2})?|PI\d(?:\.\d{1,2})?|A\d(?:\.\d{1,2})?"
    r"|C\d(?:\.\d{1,2})?|P\d(?:\.\d{1,2})?)\b",
    re.IGNORECASE,
)
_FAMILY_RANK: dict[FamilyName, int] = {"high": 0, "medium": 1, "unmapped": 2, "low": 3}


@dataclass(frozen=True)
class ClassifiedException:
    label: str
    family: FamilyName
    weight: int
    groups: tuple[str, ...]
    page: int | None
    # The report prints management's response to it.
    answered: bool = False


def criterion_refs(texts: Iterable[str]) -> tuple[str, ...]:
    """Find Trust Services Criteria references such as CC6.1 or A1.2 in free text."""
    refs = {match.upper() for text in texts for match in _CRITERION_REF.findall(text)}
    return tuple(sorted(refs))


def criterion_group(ref: str) -> str:
    """Return the criterion group of a reference (CC6.2 -> CC6)."""
    return ref.split(".", 1)[0].upper()


def ref_matches(ref: str, prefix: str) -> bool:
    """Say whether a reference falls under a policy prefix (CC6 covers CC6.2, not CC60)."""
    ref, prefix = ref.upper(), prefix.upper()
    return ref == prefix or ref.startswith(prefix + ".")


def family_of_refs(refs: Iterable[str], policy: ExceptionsPolicy) -> FamilyName:
    """Return the heaviest family any of the references belongs to."""
    found: list[FamilyName] = []
    families = policy.families
    for ref in refs:
        for name, family in (
            ("high", families.high),
            ("medium", families.medium),
            ("low", families.low),
        ):
            if any(ref_matches(ref, prefix) for prefix in family.criteria):
                found.append(name)  # type: ignore[arg-type]
                break
    if not found:
        return "unmapped"
    return min(found, key=lambda name: _FAMILY_RANK[name])


def _weight(family: FamilyName, policy: ExceptionsPolicy) -> int:
    families = policy.families
    if family == "unmapped":
        return families.unmapped_weight
    weight: int = getattr(families, family).weight
    return weight


def _classify_item(
    item: ExceptionItem, index: int, facts: DocumentFacts, policy: ExceptionsPolicy
) -> ClassifiedException:
    texts = [*item.criteria, item.control_id or ""]
    refs = criterion_refs(texts)
    if facts.framework == "SOC 1":
        # SOC 1 uses control objectives, not criteria: weigh them by what the title names.
        words = " ".join(texts).lower()
        is_high = any(keyword.lower() in words for keyword in policy.soc1_high_keywords)
        family: FamilyName = "high" if is_high else "unmapped"
    else:
        family = family_of_refs(refs, policy)
    return ClassifiedException(
        label=item.control_id or f"exception {index}",
        family=family,
        weight=_weight(family, policy),
        groups=tuple(sorted({criterion_group(ref) for ref in refs})),
        page=item.page,
        answered=bool(item.management_response and item.management_response.strip()),
    )


def _distinct_items(items: Iterable[ExceptionItem]) -> list[ExceptionItem]:
    seen: set[str] = set()
    distinct: list[ExceptionItem] = []
    for item in items:
        key = (item.control_id or "").upper()
        if key and key in seen:
            continue
        seen.add(key)
        distinct.append(item)
    return distinct


def exception_count(facts: DocumentFacts) -> int | None:
    """Return how many distinct controls had exceptions, or None when unknown."""
    if facts.exceptions_count is not None:
        return facts.exceptions_count
    if facts.exceptions:
        return len(_distinct_items(facts.exceptions))
    return None


def classify_exceptions(
    facts: DocumentFacts, policy: ExceptionsPolicy
) -> tuple[ClassifiedException, ...]:
    """Classify each exception into a family; the count wins over the itemised list."""
    count = exception_count(facts) or 0
    items = _distinct_items(facts.exceptions)
    classified = sorted(
        (_classify_item(item, index, facts, policy) for index, item in enumerate(items, 1)),
        key=lambda exception: -exception.weight,
    )[:count]
    # Exceptions counted but not itemised still weigh something: they are unmapped.
    for index in range(len(classified) + 1, count + 1):
        classified.append(
            ClassifiedException(
                label=f"exception {index}",
                family="unmapped",
                weight=policy.families.unmapped_weight,
                groups=(),
                page=None,
            )
        )
    return tuple(classified)


def group_counts(exceptions: Iterable[ClassifiedException]) -> Counter[str]:
    """Count exceptions per criterion group (CC6, A1, ...)."""
    return Counter(group for exception in exceptions for group in exception.groups)
