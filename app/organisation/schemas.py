"""The organisation settings form."""

from __future__ import annotations

from email.utils import parseaddr

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _is_address(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return bool(local) and "." in domain.strip(".") and " " not in address


class OrganisationForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(default="", max_length=200, validate_default=True)
    mail_sender: str = Field(default="", max_length=320)
    reply_to: str = Field(default="", max_length=320)
    welcome_text: str = Field(default="", max_length=2000)

    @field_validator("name", mode="before")
    @classmethod
    def _name_given(cls, value: object) -> object:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("Enter your organisation's name, as vendors know it.")
        return value

    @field_validator("mail_sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        if value and not _is_address(parseaddr(value)[1]):
            raise ValueError(
                "Enter an address such as Acme Security <security@acme.example> "
                "or security@acme.example."
            )
        return value

    @field_validator("reply_to")
    @classmethod
    def _reply_to(cls, value: str) -> str:
        if value and not _is_address(value):
            raise ValueError("Enter one e-mail address, such as security@acme.example.")
        return value
