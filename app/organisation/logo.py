"""Set, remove and read the organisation's logo, kept in the product's document storage.

The logo is stored like every document (encrypted at rest, local disk or S3) under a random
key that the settings row refers to; a replaced logo's object is no longer referenced and is
removed by the storage sweep. It is served to anyone who has its address: the vendor portal
and the invitation mail (read by mail clients that send no cookies) show it, and it is the
organisation's public face. Its address is named by its content, so it can be cached for good
and an earlier logo stops being served as soon as it is replaced.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import BinaryIO, Protocol, TypeVar

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.core.db import utcnow
from app.organisation.domain.logo import MAX_LOGO_BYTES, logo_type
from app.organisation.models import SETTINGS_ROW_ID, OrganisationSettings
from app.organisation.service import LOGO_NAME_LENGTH

Staged = TypeVar("Staged")


class LogoStorage(Protocol[Staged]):
    """The part of the document storage the logo uses (``reports.storage.DocumentStorage``)."""

    def stage(self, source: BinaryIO, *, max_bytes: int) -> Staged: ...

    def commit(self, staged: Staged, key: str | None = None) -> str: ...

    def read(self, key: str, *, sha256: str | None = None) -> bytes: ...


@dataclass(frozen=True)
class LogoFile:
    content: bytes
    media_type: str


def set_logo(
    session: Session,
    storage: LogoStorage[Staged],
    *,
    data: bytes,
    actor: str,
    user_id: int | None,
) -> None:
    """Check and store a new logo; raise LogoRefused (plain words) when it cannot be one."""
    media_type = logo_type(data)
    key = storage.commit(storage.stage(io.BytesIO(data), max_bytes=MAX_LOGO_BYTES))
    row = session.get(OrganisationSettings, SETTINGS_ROW_ID) or OrganisationSettings(
        id=SETTINGS_ROW_ID
    )
    row.logo_key = key
    row.logo_sha256 = hashlib.sha256(data).hexdigest()
    row.logo_type = media_type
    _changed(session, row, actor=actor, user_id=user_id, change="logo set")


def remove_logo(session: Session, *, actor: str, user_id: int | None) -> None:
    """Stop showing the logo; the stored object is left for the storage sweep."""
    row = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    if row is None or row.logo_key is None:
        return
    row.logo_key = row.logo_sha256 = row.logo_type = None
    _changed(session, row, actor=actor, user_id=user_id, change="logo removed")


def _changed(
    session: Session, row: OrganisationSettings, *, actor: str, user_id: int | None, change: str
) -> None:
    row.updated_at = utcnow()
    row.updated_by_id = user_id
    session.add(row)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.organisation_updated,
        subject_type="organisation",
        subject_id=SETTINGS_ROW_ID,
        data={"changed": ["logo"], "change": change, "sha256": row.logo_sha256},
    )


def read_logo(session: Session, storage: LogoStorage[Staged], *, name: str) -> LogoFile | None:
    """Return the current logo when ``name`` is its address, else None."""
    row = session.get(OrganisationSettings, SETTINGS_ROW_ID)
    if row is None or not (row.logo_key and row.logo_sha256 and row.logo_type):
        return None
    if name != row.logo_sha256[:LOGO_NAME_LENGTH]:
        return None
    return LogoFile(storage.read(row.logo_key, sha256=row.logo_sha256), row.logo_type)
