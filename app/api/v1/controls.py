"""Our control catalogue, and each vendor's CUECs with the control that meets them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Request
from pydantic import BaseModel, Field

from app.api.deps import PageDep, api_user, page_of, v1_router
from app.api.schemas import Page
from app.auth.models import User
from app.auth.permissions import Permission
from app.controls import mapping
from app.controls import service as controls_service
from app.controls.models import Control
from app.core.db import SessionDep
from app.core.rows import id_of
from app.vendors.deps import VendorDep

router = v1_router("controls")
ReaderDep = Annotated[User, api_user(Permission.dashboard_view)]
ReportReaderDep = Annotated[User, api_user(Permission.reports_read)]


class ControlOut(BaseModel):
    id: int
    ref: str = Field(description="Our identifier for the control.")
    name: str
    owner_email: str

    @classmethod
    def of(cls, control: Control) -> ControlOut:
        """Return the API view of a control."""
        return cls(
            id=id_of(control), ref=control.ref, name=control.name, owner_email=control.owner_email
        )


class CuecOut(BaseModel):
    document_id: int = Field(description="The report that lists the CUEC.")
    key: str = Field(description="The CUEC's stable key: the same text has the same key.")
    text: str
    control: ControlOut | None = Field(description="Our control that meets it, if mapped.")
    carried: bool = Field(description="Mapped on an earlier report with the same text.")
    in_place: bool | None = Field(description="The owner's answer for this report, if given.")
    evidence: str
    checked_on: date | None
    confirmed_at: datetime | None

    @classmethod
    def of(cls, item: mapping.CuecMapping) -> CuecOut:
        """Return the API view of one CUEC mapping."""
        link = item.link
        confirmed = link is not None and link.confirmed_at is not None
        return cls(
            document_id=item.document_id,
            key=item.key,
            text=item.text,
            control=ControlOut.of(item.control) if item.control else None,
            carried=item.carried,
            in_place=item.in_place if confirmed else None,
            evidence=link.evidence if link and confirmed else "",
            checked_on=link.checked_on if link and confirmed else None,
            confirmed_at=item.confirmed_at,
        )


@router.get("/controls", name="api.controls.list")
def list_controls(
    request: Request, session: SessionDep, _user: ReaderDep, paging: PageDep
) -> Page[ControlOut]:
    """List our controls by identifier."""
    controls = controls_service.list_controls(session)
    window = controls[paging.offset : paging.offset + paging.size]
    return page_of(request, [ControlOut.of(c) for c in window], len(controls), paging)


@router.get("/vendors/{vendor_id}/cuecs", name="api.cuecs.list")
def list_cuecs(session: SessionDep, _user: ReportReaderDep, vendor: VendorDep) -> list[CuecOut]:
    """List the CUECs of the report relied on, each with our control and its confirmation."""
    return [CuecOut.of(item) for item in mapping.cuec_mappings(session, id_of(vendor))]
