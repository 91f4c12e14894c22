"""Dependencies of document routes: the storage the application was wired with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.reports.storage import DocumentStorage


def document_storage(request: Request) -> DocumentStorage:
    """Return the configured document storage (opened by the factory ``app.main`` installed)."""
    storage: DocumentStorage = request.app.state.open_storage()
    return storage


StorageDep = Annotated[DocumentStorage, Depends(document_storage)]
