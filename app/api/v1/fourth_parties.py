"""The fourth-party register: subservice organisations across the portfolio."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from pydantic import BaseModel, Field

from app.api.deps import PageDep, api_user, page_of, v1_router
from app.api.schemas import Page
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep
from app.fourth_parties import service
from app.fourth_parties.domain.register import FourthParty

router = v1_router("fourth parties")
ReaderDep = Annotated[User, api_user(Permission.vendors_read)]


class DependentOut(BaseModel):
    vendor_id: int
    vendor_name: str
    tier: str | None
    method: str | None = Field(description="`carve-out`, `inclusive`, or null when unknown.")
    document_id: int = Field(description="The latest report that names the fourth party.")


class FourthPartyOut(BaseModel):
    name: str
    key: str = Field(description="The identifying words of the name, used to group spellings.")
    concentration: str
    vendor_count: int
    critical_count: int
    holds_report: bool = Field(description="Whether a document about it is on file.")
    own_report_ids: list[int]
    vendor_id: int | None = Field(description="Our vendor record, when we contract with it.")
    dependents: list[DependentOut]

    @classmethod
    def of(cls, entry: FourthParty) -> FourthPartyOut:
        """Return the API view of a register entry."""
        return cls(
            name=entry.name,
            key=entry.key,
            concentration=entry.concentration,
            vendor_count=entry.vendor_count,
            critical_count=entry.critical_count,
            holds_report=entry.holds_report,
            own_report_ids=list(entry.own_report_ids),
            vendor_id=entry.vendor_record.vendor_id if entry.vendor_record else None,
            dependents=[DependentOut(**d.__dict__) for d in entry.dependents],
        )


@router.get("/fourth-parties", name="api.fourth_parties.list")
def list_fourth_parties(
    request: Request, session: SessionDep, _user: ReaderDep, paging: PageDep
) -> Page[FourthPartyOut]:
    """List the fourth parties, the most concentrated first."""
    entries = service.register(session)
    window = entries[paging.offset : paging.offset + paging.size]
    return page_of(request, [FourthPartyOut.of(e) for e in window], len(entries), paging)
