"""Owners on our side for the complementary user entity controls (CUECs) of vendor reports.

When every CUEC of the reports the score relies on has an owner, the vendor profile's
``cuec_owners_assigned`` becomes true, which scoring reads (the CUECS_UNASSIGNED finding).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.core.db import utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.versions import check_version, fingerprint
from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts
from app.reviews.models import CuecOwner
from app.scoring import service as scoring_service
from app.scoring.domain.cuecs import WHOLE_SECTION
from app.scoring.domain.cuecs import cuec_key as cuec_key
from app.scoring.models import Score
from app.vendors.models import Vendor
from app.vendors.service import get_vendor_for_update

MAX_OWNER = 200


@dataclass(frozen=True)
class CuecLine:
    document_id: int
    key: str
    text: str
    owner: str
    assigned_at: datetime | None


def _texts(facts: ReportFacts) -> list[str]:
    effective = reports_service.effective_facts(facts)
    items = [str(item) for item in facts.cuec_list if str(item).strip()]
    has_cuecs = effective["corrections"].get("cuecs", facts.cuecs)
    if not items and has_cuecs:
        return [WHOLE_SECTION]
    return items


def _relevant(
    documents: Sequence[tuple[Document, ReportFacts | None]], score: Score | None
) -> list[ReportFacts]:
    reports = [
        facts
        for _, facts in documents
        if facts is not None and facts.doc_kind == "soc_report" and _texts(facts)
    ]
    best = str(score.explanation.get("best_document_id") or "") if score else ""
    chosen = [facts for facts in reports if str(facts.document_id) == best]
    return chosen or reports


def cuec_lines(
    session: Session,
    vendor_id: int,
    *,
    loaded: tuple[Sequence[tuple[Document, ReportFacts | None]], Score | None] | None = None,
) -> list[CuecLine]:
    """List the CUECs of the reports the score relies on, with their owners.

    ``loaded`` is the vendor's documents (as ``list_documents`` gives them) and latest score
    when the caller has them already.
    """
    if loaded is None:
        documents = reports_service.list_documents(session, vendor_id=vendor_id)
        loaded = (documents, scoring_service.latest_score(session, vendor_id))
    relevant = _relevant(*loaded)
    owners = {
        (row.document_id, row.cuec_key): row
        for row in session.exec(select(CuecOwner).where(CuecOwner.vendor_id == vendor_id)).all()
    }
    lines: list[CuecLine] = []
    for facts in relevant:
        for text in _texts(facts):
            row = owners.get((facts.document_id, cuec_key(text)))
            lines.append(
                CuecLine(
                    facts.document_id,
                    cuec_key(text),
                    text,
                    row.owner if row else "",
                    row.assigned_at if row else None,
                )
            )
    return lines


def _save_owner(
    session: Session, vendor_id: int, document_id: int, line: CuecLine, owner: str, user_id: int
) -> None:
    row = session.exec(
        select(CuecOwner).where(
            CuecOwner.document_id == document_id, CuecOwner.cuec_key == line.key
        )
    ).first()
    if not owner:
        if row is not None:
            session.delete(row)
        return
    row = row or CuecOwner(
        vendor_id=vendor_id,
        document_id=document_id,
        cuec_key=line.key,
        cuec_text=line.text,
        owner="",
    )
    row.owner, row.assigned_by_id, row.assigned_at = owner, user_id, utcnow()
    session.add(row)


def owners_version(lines: Iterable[CuecLine], document_id: int) -> str:
    """The version of a report's CUEC owners as their form shows it (hidden form field)."""
    return fingerprint(
        sorted((line.key, line.owner) for line in lines if line.document_id == document_id)
    )


def assign_owners(
    session: Session,
    *,
    vendor: Vendor,
    document_id: int,
    owners: Mapping[str, str],
    user_id: int,
    as_of: date,
    expected_version: str | None,
) -> bool:
    """Record owners for a report's CUECs; return whether every CUEC now has an owner.

    Owners saved from a page opened before someone else saved this report's owners are
    refused (StaleEdit).
    """
    assert vendor.id is not None
    document = session.get(Document, document_id)
    if document is None or document.vendor_id != vendor.id:
        raise NotFound("There is no such document for this vendor.")
    # The vendor's row is where concurrent saves of its owners queue (PostgreSQL).
    get_vendor_for_update(session, vendor.id)
    current = cuec_lines(session, vendor.id)
    lines = {line.key: line for line in current if line.document_id == document_id}
    if not lines:
        raise InvalidInput("This report lists no complementary user entity controls.")
    check_version(
        expected_version, owners_version(current, document_id), what="this report's CUEC owners"
    )
    for key, owner in owners.items():
        if key in lines:
            cleaned = " ".join(owner.split())
            if len(cleaned) > MAX_OWNER:
                raise InvalidInput(f"An owner is at most {MAX_OWNER} characters.")
            _save_owner(session, vendor.id, document_id, lines[key], cleaned, user_id)
    session.flush()
    all_assigned = all(line.owner for line in cuec_lines(session, vendor.id))
    vendor.profile = {**vendor.profile, "cuec_owners_assigned": all_assigned}
    session.add(vendor)
    audit_service.record(
        session,
        actor=user_actor(user_id),
        action=AuditAction.cuec_owners_assigned,
        subject_type="vendor",
        subject_id=vendor.id,
        data={"document_id": document_id, "all_assigned": all_assigned},
    )
    scoring_service.recompute_vendor(
        session, vendor, as_of=as_of, reason="CUEC owners recorded", actor=user_actor(user_id)
    )
    return all_assigned
