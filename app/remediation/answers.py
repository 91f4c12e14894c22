"""The vendor answers a remediation item through its portal link: words, and evidence if any.

Evidence goes through the one evidence intake (screened, stored, read, used to rescore), then
the answer names the stored document; both are kept in one write, or neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from sqlmodel import Session

from app.audit.actors import vendor_actor
from app.core.errors import NotFound
from app.evidence import intake
from app.evidence.intake import EvidenceStore, Upload, UploadRefused
from app.remediation import service
from app.remediation.domain.rules import VENDOR_ANSWERABLE, RemediationChange
from app.remediation.errors import ChangeNotAllowed
from app.remediation.models import RemediationItem
from app.reports.models import UploadChannel
from app.reports.screening import Refusal, Screened


@dataclass(frozen=True)
class VendorAnswer:
    """What the vendor wrote, through which request's link, for which item."""

    item_id: int
    vendor_id: int
    request_id: int
    text: str


def item_for_vendor(session: Session, item_id: int, vendor_id: int) -> RemediationItem:
    """Return one of this vendor's items being worked on; any other is not found."""
    item = service.get_item(session, item_id)
    if item is None or item.vendor_id != vendor_id:
        raise NotFound("There is no such item for you to answer.")
    return item


def check_answerable(session: Session, answer: VendorAnswer) -> None:
    """Refuse an answer before any file is screened when the item no longer takes one."""
    item = item_for_vendor(session, answer.item_id, answer.vendor_id)
    if item.status not in VENDOR_ANSWERABLE:
        raise ChangeNotAllowed("This item is not waiting for an answer from you.")


def record_answer(
    session: Session, answer: VendorAnswer, *, document_id: int | None = None
) -> RemediationItem:
    """Keep the vendor's answer; the item goes to review by our staff."""
    item = item_for_vendor(session, answer.item_id, answer.vendor_id)
    return service.change_status(
        session, item, change=RemediationChange.vendor_answer, expected_version=item.version,
        actor=vendor_actor(answer.request_id), text=answer.text, document_id=document_id,
    )  # fmt: skip


def evidence_upload(answer: VendorAnswer, *, source: BinaryIO, filename: str) -> Upload:
    """Describe a file the vendor sent with its answer, for the evidence intake."""
    return Upload(
        source=source,
        filename=filename,
        channel=UploadChannel.portal,
        actor=vendor_actor(answer.request_id),
    )


def answer_with_evidence(
    session: Session,
    store: EvidenceStore,
    upload: Upload,
    screened: Screened,
    *,
    answer: VendorAnswer,
    today: date,
) -> RemediationItem | Refusal:
    """Keep the screened file as the vendor's evidence, then the answer that names it."""
    outcome = intake.accept(
        session, store, upload, screened, vendor_id=answer.vendor_id, today=today
    )
    if isinstance(outcome, Refusal):
        return outcome
    return record_answer(session, answer, document_id=outcome.document.id)


async def receive_answer_with_evidence(
    app: Any, store: EvidenceStore, upload: Upload, *, answer: VendorAnswer, today: date
) -> RemediationItem:
    """Screen the file off the event loop, then keep file and answer in one write."""

    def write(session: Session, screened: Screened) -> RemediationItem | Refusal:
        return answer_with_evidence(session, store, upload, screened, answer=answer, today=today)

    result = await intake.screen_then_write(app, store, upload, write)
    if isinstance(result, Refusal):
        raise UploadRefused(result.reason)
    return result
