"""The review page of a vendor with several documents: a summary first, details on demand."""

from __future__ import annotations

import re

from app.auth.models import Role
from tests.factories import make_user, sign_in
from tests.web.reviews.helpers import five_document_vendor

# The page of a vendor with five documents stays small enough to read and to load.
MAX_FORMS = 20
MAX_BYTES = 200_000


def test_five_documents_render_within_the_size_budget(client, session, settings):
    vendor, documents = five_document_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/review")
    assert page.status_code == 200
    forms = len(re.findall(r"<form\b", page.text))
    size = len(page.content)
    assert forms < MAX_FORMS
    assert size < MAX_BYTES
    for document in documents:
        assert document.filename in page.text
