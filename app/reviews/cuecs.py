"""The complementary user entity controls (CUECs) of the vendor reports a score relies on.

Who meets each on our side is recorded once: by mapping the CUEC to one of our controls, whose
owner owns it (``app.controls.mapping``; scoring's CUEC_UNLINKED finding). Owners typed as
free text before that mapping existed are kept and shown there as a hint (``noted_owners``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from app.reports import service as reports_service
from app.reports.models import Document, ReportFacts
from app.reviews.models import CuecOwner
from app.scoring import service as scoring_service
from app.scoring.domain.cuecs import WHOLE_SECTION
from app.scoring.domain.cuecs import cuec_key as cuec_key
from app.scoring.models import Score


@dataclass(frozen=True)
class CuecLine:
    document_id: int
    key: str
    text: str


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
    """List the CUECs of the reports the score relies on.

    ``loaded`` is the vendor's documents (as ``list_documents`` gives them) and latest score
    when the caller has them already.
    """
    if loaded is None:
        documents = reports_service.list_documents(session, vendor_id=vendor_id)
        loaded = (documents, scoring_service.latest_score(session, vendor_id))
    return [
        CuecLine(facts.document_id, cuec_key(text), text)
        for facts in _relevant(*loaded)
        for text in _texts(facts)
    ]


def noted_owners(session: Session, vendor_id: int) -> dict[tuple[int, str], str]:
    """Owners typed as free text for a vendor's CUECs, by (document id, CUEC key)."""
    rows = session.exec(select(CuecOwner).where(CuecOwner.vendor_id == vendor_id)).all()
    return {(row.document_id, row.cuec_key): row.owner for row in rows if row.owner}
