"""Audit actions of the vendors feature."""

from enum import StrEnum


class VendorAction(StrEnum):
    created = "vendor.created"
    updated = "vendor.updated"
    contact_added = "vendor.contact_added"
    profile_assessed = "vendor.profile_assessed"
