"""Vendors and the people we contact there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.db import JSONType, UTCDateTime, enum_type, utcnow


class InherentTier(StrEnum):
    critical = "critical"
    high = "high"
    moderate = "moderate"
    low = "low"


class VendorStatus(StrEnum):
    onboarding = "onboarding"
    active = "active"
    offboarded = "offboarded"


class Vendor(SQLModel, table=True):
    __tablename__ = "vendor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200), index=True)
    domain: str = Field(default="", sa_type=sa.String(253))
    services_used: str = Field(default="", sa_type=sa.Text)
    data_categories: list[str] = Field(default_factory=list, sa_type=JSONType)
    inherent_tier: InherentTier | None = Field(
        default=None, sa_type=enum_type(InherentTier, 16), index=True
    )
    status: VendorStatus = Field(
        default=VendorStatus.onboarding, sa_type=enum_type(VendorStatus, 16)
    )
    profile: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # Other names its documents may use: trading and former names, the parent, product brands.
    aliases: list[str] = Field(default_factory=list, sa_type=JSONType)
    # Where the vendor publishes its reports, and the terms that apply to downloading them.
    trust_center_url: str | None = Field(default=None, sa_type=sa.String(2000), nullable=True)
    trust_center_terms: str | None = Field(default=None, sa_type=sa.String(32), nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VendorContact(SQLModel, table=True):
    __tablename__ = "vendor_contact"

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    name: str = Field(sa_type=sa.String(200))
    email: str = Field(sa_type=sa.String(320))
    title: str = Field(default="", sa_type=sa.String(200))
    is_primary: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
