"""Factories that add rows and flush, so each test builds exactly the data it needs."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

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


_CSRF_IN_PAGE = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def corpus_organization(pdf_name: str) -> str:
    """Return the organisation a corpus report is about (its label), to name its vendor by."""
    labels = json.loads((Path(__file__).parent / "fixtures" / "corpus" / "labels.json").read_text())
    found = next(item["service_organization"] for item in labels if item["file"] == pdf_name)
    return str(found)


def csrf_token(client: TestClient, path: str = "/login") -> str:
    """Return the CSRF token of this client's browser, read from a page's form or meta tag.

    The token belongs to the browser (its CSRF cookie), not to one page; when ``path`` shows
    none (e.g. /login redirects a signed-in user), the 404 page's meta tag is read instead.
    """
    match = _CSRF_IN_PAGE.search(client.get(path, follow_redirects=False).text)
    if match is None:
        match = _CSRF_IN_PAGE.search(client.get("/.csrf-token-probe").text)
    assert match is not None, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_form(client: TestClient, path: str, data: dict[str, object] | None = None, **kwargs):
    """POST a form the way a browser does: with the page's CSRF token."""
    fields = {"csrf_token": csrf_token(client), **(data or {})}
    kwargs.setdefault("follow_redirects", False)
    return client.post(path, data=fields, **kwargs)


def form_version(client: TestClient, path: str, action: str | None = None) -> str:
    """Return the version a page's edit form carries (of the form posting to ``action``)."""
    page = client.get(path).text
    start = 0
    if action is not None:
        form = re.search(rf'action="[^"]*{re.escape(action)}(#[^"]*)?"', page)
        assert form is not None, f"no form posting to {action} on {path}"
        start = form.start()
    match = re.search(r'name="version" value="([^"]+)"', page[start:])
    assert match is not None, f"no versioned form on {path}"
    return match.group(1)


def sign_in(client: TestClient, user: User, password: str = TEST_PASSWORD) -> None:
    """Sign a test client in through the real sign-in form."""
    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 303, response.text
