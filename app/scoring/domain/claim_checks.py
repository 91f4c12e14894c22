"""Each answer beside the document it concerns: consistent, a contradiction, or not checked.

Values are compared after normalising them the way a reviewer would (dates, organisation names,
criteria as sets), so equal values are never a contradiction, and "not checked" says why when
no comparable document or fact exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from app.scoring.domain.families import exception_count
from app.scoring.domain.identity import organization_key
from app.scoring.domain.inputs import Answers, DocumentFacts
from app.scoring.domain.policy import Policy
from app.scoring.domain.results import ClaimCheck
from app.scoring.domain.targets import Target, describe_kinds, is_kind, kinds_for, target_for

_VENDOR_LEVEL = (
    "holds_current_soc2_type2",
    "iso27001_certified",
    "iso42001_certified",
    "has_bridge_letter",
)
# What the vendor says about its AI features that no document states; `ai` raises them.
_NOT_IN_DOCUMENTS = frozenset(
    {"ai_trains_on_customer_data", "model_provider_tiers", "model_providers"}
)


def _names(values: object) -> frozenset[str]:
    items = values if isinstance(values, list | tuple) else [values]
    return frozenset(organization_key(str(item)) for item in items if item)


def _criteria(values: object) -> frozenset[str]:
    items = values if isinstance(values, list | tuple) else [values]
    return frozenset({*(str(item) for item in items), "security"})


def _text(value: object) -> str:
    return str(value).strip().lower()


_SAME: dict[str, Callable[[object, object], bool]] = {
    "service_auditor": lambda a, b: organization_key(str(a)) == organization_key(str(b)),
    "subservice_organizations": lambda a, b: _names(a) == _names(b),
    "trust_services_criteria": lambda a, b: _criteria(a) == _criteria(b),
}


def same(key: str, answered: object, shown: object) -> bool:
    """Tell whether an answer and a fact say the same thing, once normalised."""
    compare = _SAME.get(key)
    if compare is not None:
        return compare(answered, shown)
    if isinstance(answered, date) or isinstance(shown, date):
        return str(answered) == str(shown)
    if isinstance(answered, bool) or isinstance(shown, bool) or isinstance(answered, int):
        return answered == shown
    return _text(answered) == _text(shown)


def _shows(key: str, doc: DocumentFacts) -> object:
    if key == "exceptions_count":
        return exception_count(doc)
    if key == "has_exceptions":
        found = exception_count(doc)
        return None if found is None else ("yes" if found else "no")
    if key == "cuecs":
        return doc.has_cuecs
    value = getattr(doc, key, None)
    return None if value in ((), "", None) else value


def _page(doc: DocumentFacts, key: str) -> int | None:
    field = {"has_exceptions": "exceptions_count"}.get(key, key)
    return next((item.page for item in doc.evidence.get(field, ()) if item.page), None)


def _check_document(key: str, answered: object, target: Target) -> ClaimCheck:
    doc = target.document
    if doc is None:
        return ClaimCheck(claim=key, answered=answered, status="not_checked", note=target.why_not)
    shown = _shows(key, doc)
    if shown is None:
        note = "the document does not state this"
        return ClaimCheck(
            claim=key,
            answered=answered,
            document_id=doc.document_id,
            status="not_checked",
            note=note,
        )
    status = "consistent" if same(key, answered, shown) else "contradiction"
    return ClaimCheck(
        claim=key,
        answered=answered,
        document_id=doc.document_id,
        shows=shown,
        page=_page(doc, key),
        status=status,
    )


def _is_current(doc: DocumentFacts, today: date, policy: Policy) -> bool:
    if doc.doc_kind == "iso_certificate":
        return doc.certificate_expiry is not None and doc.certificate_expiry >= today
    if doc.doc_kind == "bridge_letter":
        return True
    ended = doc.period_end
    return ended is not None and (today - ended).days <= policy.current_report_days


def _check_holding(
    key: str, answered: Any, documents: tuple[DocumentFacts, ...], today: date, policy: Policy
) -> ClaimCheck:
    kinds = kinds_for(key, Answers())
    held = [doc for doc in documents if any(is_kind(doc, kind) for kind in kinds)]
    if key == "holds_current_soc2_type2":
        held = [doc for doc in held if doc.report_type == "type2"]
    current = [doc for doc in held if _is_current(doc, today, policy)]
    shown = "yes" if current else "no"
    doc = next(iter(current or held), None)
    note = "" if held else f"no {describe_kinds(kinds)} on file"
    return ClaimCheck(
        claim=key,
        answered=answered,
        document_id=doc.document_id if doc else None,
        shows=shown,
        status="consistent" if _text(answered) == shown else "contradiction",
        note=note,
    )


def check_claims(
    answers: Answers,
    documents: tuple[DocumentFacts, ...],
    best: DocumentFacts | None,
    today: date,
    policy: Policy,
) -> tuple[ClaimCheck, ...]:
    """Check every answered claim against the document it concerns (own documents only)."""
    checks: list[ClaimCheck] = []
    for key, answered in answers.model_dump(exclude={"targets"}).items():
        if answered is None or key in _NOT_IN_DOCUMENTS:
            continue
        if key in _VENDOR_LEVEL:
            checks.append(_check_holding(key, answered, documents, today, policy))
        else:
            checks.append(_check_document(key, answered, target_for(key, answers, documents, best)))
    return tuple(checks)
