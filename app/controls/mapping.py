"""Each CUEC of the vendor report we rely on, mapped to one of our controls and confirmed.

A CUEC is mapped per report. When a newer report lists a CUEC with the same text, the mapping
carries over to it but the confirmation does not: the control's owner confirms again that it
is in place for the new period. The CUEC keys mapped are kept on the vendor's profile, where
scoring reads them (the CUEC_UNLINKED finding).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.models import User
from app.controls.models import Control, CuecLink
from app.core.db import utcnow
from app.core.errors import InvalidInput, NotFound, PermissionDenied
from app.core.rows import id_of
from app.core.versions import check_version, fingerprint
from app.reviews.cuecs import CuecLine, cuec_lines, noted_owners
from app.scoring import service as scoring_service
from app.vendors.models import Vendor
from app.vendors.service import get_vendor_for_update

MAX_EVIDENCE = 5000


@dataclass(frozen=True)
class CuecMapping:
    """One CUEC of a report, the control that meets it, and its owner's confirmation."""

    document_id: int
    key: str
    text: str
    control: Control | None
    link: CuecLink | None  # this report's own row; None when carried over or unmapped
    carried: bool  # mapped on an earlier report with the same text: confirm again
    # An owner typed as free text before CUECs were mapped to controls: a hint for mapping.
    noted_owner: str = ""

    @property
    def in_place(self) -> bool | None:
        return self.link.in_place if self.link else None

    @property
    def confirmed_at(self) -> datetime | None:
        return self.link.confirmed_at if self.link else None

    @property
    def needs_confirmation(self) -> bool:
        return self.control is not None and self.confirmed_at is None


def _links(session: Session, vendor_id: int) -> list[CuecLink]:
    return list(
        session.exec(
            select(CuecLink).where(CuecLink.vendor_id == vendor_id).order_by(col(CuecLink.id))
        ).all()
    )


def cuec_mappings(session: Session, vendor_id: int) -> list[CuecMapping]:
    """List the CUECs of the report relied on, each with its control and confirmation."""
    links = _links(session, vendor_id)
    controls = {
        control.id: control
        for control in session.exec(
            select(Control).where(col(Control.id).in_({link.control_id for link in links}))
        ).all()
    }
    own = {(link.document_id, link.cuec_key): link for link in links}
    latest_by_key = {link.cuec_key: link for link in links}  # ordered by id: the newest wins
    noted = noted_owners(session, vendor_id)
    mappings: list[CuecMapping] = []
    for line in cuec_lines(session, vendor_id):
        link = own.get((line.document_id, line.key))
        earlier = latest_by_key.get(line.key) if link is None else None
        chosen = link or earlier
        mappings.append(
            CuecMapping(
                line.document_id,
                line.key,
                line.text,
                controls.get(chosen.control_id) if chosen else None,
                link,
                carried=earlier is not None,
                noted_owner=noted.get((line.document_id, line.key), ""),
            )
        )
    return mappings


def mapping_version(mappings: Iterable[CuecMapping], document_id: int) -> str:
    """The version of one report's mapping as its form shows it (hidden form field)."""
    return fingerprint(
        sorted(
            (item.key, item.control.id if item.control else None)
            for item in mappings
            if item.document_id == document_id
        )
    )


def _line(session: Session, vendor_id: int, document_id: int, key: str) -> CuecLine:
    for line in cuec_lines(session, vendor_id):
        if line.document_id == document_id and line.key == key:
            return line
    raise NotFound("This report lists no such complementary user entity control.")


def _note_linked(session: Session, vendor: Vendor, actor: str, as_of: date) -> None:
    """Keep the mapped CUEC keys on the vendor's profile and rescore (CUEC_UNLINKED)."""
    assert vendor.id is not None
    linked = sorted({item.key for item in cuec_mappings(session, vendor.id) if item.control})
    vendor.profile = {**vendor.profile, "cuec_controls_linked": linked}
    session.add(vendor)
    scoring_service.recompute_vendor(
        session, vendor, as_of=as_of, reason="CUECs mapped to our controls", actor=actor
    )


def link_cuecs(
    session: Session,
    *,
    vendor: Vendor,
    document_id: int,
    choices: Mapping[str, int | None],
    user: User,
    as_of: date,
    expected_version: str | None,
) -> int:
    """Map a report's CUECs (by key) to our controls; return how many mappings changed.

    A CUEC mapped to another control loses its confirmation; None removes this report's
    mapping (one carried over from an earlier report stays until another control is chosen).
    A mapping saved from a page opened before someone else changed it is refused (StaleEdit).
    """
    assert vendor.id is not None
    get_vendor_for_update(session, vendor.id)  # concurrent saves queue on the vendor's row
    listed = cuec_mappings(session, vendor.id)
    check_version(
        expected_version, mapping_version(listed, document_id), what="this report's CUEC mapping"
    )
    current = {(m.document_id, m.key): m for m in listed}
    changed = 0
    for key, control_id in choices.items():
        mapping = current.get((document_id, key))
        if mapping is None:
            raise NotFound("This report lists no such complementary user entity control.")
        if control_id is not None and session.get(Control, control_id) is None:
            raise InvalidInput("Choose a control from the catalogue.")
        changed += _set_link(session, vendor.id, mapping, control_id, user)
    session.flush()
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.cuec_linked,
        subject_type="vendor",
        subject_id=vendor.id,
        data={"document_id": document_id, "changed": changed},
    )
    _note_linked(session, vendor, user_actor(id_of(user)), as_of)
    return changed


def _set_link(
    session: Session, vendor_id: int, mapping: CuecMapping, control_id: int | None, user: User
) -> int:
    link = mapping.link
    if control_id is None:
        if link is None:
            return 0  # unmapped already, or carried over (a carried mapping stays)
        session.delete(link)
        return 1
    if link is not None and link.control_id == control_id:
        return 0
    link = link or CuecLink(
        vendor_id=vendor_id,
        document_id=mapping.document_id,
        cuec_key=mapping.key,
        cuec_text=mapping.text,
        control_id=control_id,
    )
    link.control_id, link.linked_by_id, link.linked_at = control_id, user.id, utcnow()
    link.in_place, link.evidence, link.checked_on = None, "", None
    link.confirmed_by_id, link.confirmed_at = None, None
    session.add(link)
    return 1


@dataclass(frozen=True)
class Confirmation:
    in_place: bool
    evidence: str
    checked_on: date


def check_confirmation(
    in_place: str, evidence: str, checked_on: date | None, today: date
) -> dict[str, str]:
    """Return the problems of a confirmation form by field (empty when it is valid)."""
    problems: dict[str, str] = {}
    if in_place not in ("yes", "no"):
        problems["in_place"] = "Say whether the control is in place."
    if not evidence.strip():
        problems["evidence"] = "Say what shows it (a ticket, a report, a review record)."
    elif len(evidence) > MAX_EVIDENCE:
        problems["evidence"] = f"Evidence is at most {MAX_EVIDENCE} characters."
    if checked_on is None:
        problems["checked_on"] = "Give the date it was checked."
    elif checked_on > today:
        problems["checked_on"] = "The date it was checked cannot be in the future."
    return problems


def confirm_cuec(
    session: Session,
    *,
    vendor: Vendor,
    document_id: int,
    key: str,
    confirmation: Confirmation,
    user: User,
) -> CuecLink:
    """Record the control owner's answer for one CUEC: in place or not, evidence and date."""
    assert vendor.id is not None
    _line(session, vendor.id, document_id, key)
    mapping = next(
        m for m in cuec_mappings(session, vendor.id) if (m.document_id, m.key) == (document_id, key)
    )
    control = mapping.control
    if control is None:
        raise InvalidInput("Map this CUEC to one of our controls before confirming it.")
    if user.email.lower() != control.owner_email.lower():
        raise PermissionDenied(f"Only the control's owner ({control.owner_email}) confirms it.")
    link = mapping.link or CuecLink(
        vendor_id=vendor.id,
        document_id=document_id,
        cuec_key=key,
        cuec_text=mapping.text,
        control_id=id_of(control),
    )
    link.in_place, link.evidence = confirmation.in_place, confirmation.evidence.strip()
    link.checked_on, link.confirmed_by_id, link.confirmed_at = (
        confirmation.checked_on,
        user.id,
        utcnow(),
    )
    session.add(link)
    session.flush()
    audit_service.record(
        session,
        actor=user_actor(id_of(user)),
        action=AuditAction.cuec_confirmed,
        subject_type="vendor",
        subject_id=vendor.id,
        data={
            "document_id": document_id,
            "control": control.ref,
            "in_place": confirmation.in_place,
            "checked_on": confirmation.checked_on.isoformat(),
        },
    )
    return link
