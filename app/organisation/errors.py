"""Errors of the organisation settings."""

from app.core.errors import Conflict

SETTINGS_PATH = "/admin/organisation"


class OrganisationNotNamed(Conflict):
    """Mail to vendors would read "Your organisation asks ...", which looks like phishing."""

    code = "organisation_not_named"
    title = "Name your organisation first"

    def __init__(self) -> None:
        super().__init__(
            "Questionnaires cannot be sent until your organisation has a name: an administrator "
            f"sets it under Administration, Organisation ({SETTINGS_PATH})."
        )
