"""The administration forms."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.auth.models import Role


class InviteForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    email: str = Field(default="", max_length=320, validate_default=True)
    full_name: str = Field(default="", max_length=200)
    role: Role = Role.procurement

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        local, _, domain = value.rpartition("@")
        if not local or "." not in domain.strip(".") or " " in value:
            raise ValueError("Enter the person's work e-mail address, e.g. sam@acme.example.")
        return value.lower()
