"""Dependencies of the review routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import ValidationError

from app.core.errors import InvalidInput
from app.core.forms import form_errors
from app.reviews.schemas import DashboardFilters


def dashboard_filters(request: Request) -> DashboardFilters:
    """Read the dashboard filters from the query string (422 on a value that is not offered)."""
    try:
        return DashboardFilters.model_validate(dict(request.query_params))
    except ValidationError as exc:
        fields = ", ".join(form_errors(exc))
        raise InvalidInput(f"These filters are not understood: {fields}.") from None


FiltersDep = Annotated[DashboardFilters, Depends(dashboard_filters)]
