"""Settings of the review: who may open the confidential reports themselves."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from app.auth.models import Role

DEFAULT_VIEWER_ROLES = "risk_officer,admin"


class ReviewSettings(BaseSettings):
    """``DILIGENCE_REPORT_VIEWER_ROLES``: comma-separated roles that may open SOC reports."""

    model_config = SettingsConfigDict(env_prefix="DILIGENCE_", extra="ignore")

    report_viewer_roles: str = DEFAULT_VIEWER_ROLES

    def viewer_roles(self) -> frozenset[Role]:
        """Return the roles allowed to open reports; unknown names are ignored."""
        names = {name.strip().lower() for name in self.report_viewer_roles.split(",")}
        return frozenset(role for role in Role if role.value in names)


@lru_cache
def get_review_settings() -> ReviewSettings:
    """Return the review settings, read once from the environment."""
    return ReviewSettings()
