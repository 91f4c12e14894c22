"""Load-or-404 dependencies for remediation pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.core.db import SessionDep
from app.remediation import service
from app.remediation.models import RemediationItem


def load_item(item_id: int, session: SessionDep) -> RemediationItem:
    """Return the item in the path or answer 404."""
    return service.require_item(session, item_id)


ItemDep = Annotated[RemediationItem, Depends(load_item)]
