"""Forms of the staff pages for questionnaire requests."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, StringConstraints

Slug = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class SendForm(BaseModel):
    """Send one questionnaire to one of the vendor's contacts."""

    questionnaire: Slug
    contact_id: int
    due_on: date | None = None
    message: Annotated[str, StringConstraints(max_length=5000)] = ""
