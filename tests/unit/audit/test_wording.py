"""The audit log's codes all have words, and actor codes are read back to whom they name."""

from __future__ import annotations

import pytest

from app.audit.actions import AuditAction
from app.audit.actors import user_actor, vendor_actor
from app.audit.domain.wording import (
    ACTION_WORDS,
    detail_label,
    detail_value,
    is_administration,
    parse_actor,
)


def test_every_action_has_words():
    assert set(AuditAction) <= set(ACTION_WORDS)
    for words in ACTION_WORDS.values():
        assert "_" not in words and "." not in words


def test_actor_codes_name_a_person_a_vendor_or_a_system():
    assert parse_actor(user_actor(2)).user_id == 2
    assert parse_actor(vendor_actor(7)).request_id == 7
    assert parse_actor("system:worker").words == "Diligence's background worker"
    assert parse_actor("visitor:203.0.113.9").words == "A visitor from 203.0.113.9"


@pytest.mark.parametrize(
    ("action", "hidden"),
    [
        (AuditAction.user_signed_in, True),
        (AuditAction.api_token_created, True),
        (AuditAction.security_access_denied, True),
        (AuditAction.organisation_updated, True),
        (AuditAction.vendor_created, False),
        (AuditAction.document_downloaded, False),
        (AuditAction.decision_recorded, False),
    ],
)
def test_security_and_administration_events_are_told_apart(action, hidden):
    assert is_administration(action) is hidden


def test_details_read_as_words():
    assert detail_label("contact_id") == "Contact"
    assert detail_label("sha256") == "Fingerprint (SHA-256)"
    assert detail_value("not_accepted_type") == "not accepted type"
    assert detail_value(["security", "privacy"]) == "security, privacy"
    assert detail_value(True) == "yes"
    assert detail_value(None) == "—"
