"""Errors of remediation items, with the status a page or the API answers."""

from __future__ import annotations

from app.core.errors import Conflict


class ChangeNotAllowed(Conflict):
    """The item's status does not allow this change (someone may have changed it first)."""

    code = "remediation_change_not_allowed"
    title = "This change does not apply now"
