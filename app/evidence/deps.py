"""The evidence store a request uses, from what the application was wired with at start-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.evidence.intake import EvidenceStore
from app.reports.deps import document_storage


def evidence_store(request: Request) -> EvidenceStore:
    """Return the storage and reading queue wired into the application (see ``app.main``)."""
    return EvidenceStore(
        storage=document_storage(request),
        reading_queue=request.app.state.reading_queue,
        max_upload_bytes=request.app.state.settings.max_upload_bytes,
        scanner=getattr(request.app.state, "malware_scanner", None),
    )


EvidenceStoreDep = Annotated[EvidenceStore, Depends(evidence_store)]
