"""Re-wrapping every stored document under the current storage key, after a key rotation.

Rotating the key-encryption key: set the new key as ``DILIGENCE_STORAGE_KEY``, move the old one
to ``DILIGENCE_STORAGE_PREVIOUS_KEYS``, run this, then drop the old key once nothing needs it.
Only each object's header is rewritten; the encrypted content stays as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.reports.crypto import EnvelopeError
from app.reports.models import Document
from app.reports.storage import DocumentStorage

MISSING = "missing"
FAILED = "not opened by any configured key"
_LISTED_PROBLEMS = 20


@dataclass
class RewrapRun:
    """How many stored objects each outcome had, and the first objects that had a problem."""

    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether every object now opens with the current key (or was never encrypted)."""
        return self.outcomes[MISSING] == 0 and self.outcomes[FAILED] == 0

    def note(self, outcome: str, problem: str | None = None) -> None:
        """Count one object, keeping the first problems for the report."""
        self.outcomes[outcome] += 1
        if problem is not None and len(self.problems) < _LISTED_PROBLEMS:
            self.problems.append(problem)


def rewrap_all(
    session: Session,
    storage: DocumentStorage,
    *,
    actor: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> RewrapRun:
    """Re-wrap each stored object once (documents may share one); audit the run's counts.

    An unreachable store stops the run with StorageUnavailable; objects done so far stay done,
    and running it again skips them.
    """
    rows = session.exec(select(Document.id, Document.storage_key).order_by(col(Document.id)))
    first_document: dict[str, int] = {}
    for document_id, key in rows:
        first_document.setdefault(key, document_id or 0)
    run = RewrapRun()
    for done, (key, document_id) in enumerate(first_document.items(), 1):
        try:
            run.note(storage.rewrap(key).value)
        except FileNotFoundError:
            run.note(MISSING, f"document {document_id}: the stored object is missing")
        except EnvelopeError as exc:
            run.note(FAILED, f"document {document_id}: {exc}")
        if on_progress:
            on_progress(done, len(first_document))
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.storage_rewrapped,
        subject_type="storage",
        data={"objects": len(first_document), **dict(run.outcomes)},
    )
    return run
