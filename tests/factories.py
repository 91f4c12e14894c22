"""Factories that add rows and flush, so each test builds exactly the data it needs."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Role, User
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier, Vendor

_counter = itertools.count(1)
TEST_PASSWORD = "correct-horse-battery-staple"


def make_user(
    session: Session, *, role: Role = Role.risk_officer, email: str | None = None
) -> User:
    """Create a staff user whose password is TEST_PASSWORD."""
    email = email or f"user{next(_counter)}@example.com"
    return auth_service.create_user(session, email=email, role=role, password=TEST_PASSWORD)


def make_vendor(session: Session, **overrides: object) -> Vendor:
    """Create a vendor with sensible defaults."""
    fields: dict[str, object] = {
        "name": f"Vendor {next(_counter)}",
        "domain": "vendor.example",
        "services_used": "Hosting",
        "data_categories": ["customer_personal_data"],
        "inherent_tier": InherentTier.high,
    }
    fields.update(overrides)
    return vendors_service.create_vendor(session, **fields)  # type: ignore[arg-type]


def sign_in(client: TestClient, user: User, password: str = TEST_PASSWORD) -> None:
    """Sign a test client in through the real sign-in form."""
    response = client.post(
        "/login", data={"email": user.email, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
