from __future__ import annotations

import logging

from app.core.logging import RedactPortalLinks, redact


def test_portal_tokens_are_redacted_from_text():
    line = 'GET /portal/dlg_p_AbC-123_xyz HTTP/1.1" 200'
    assert redact(line) == 'GET /portal/[redacted] HTTP/1.1" 200'


def test_access_log_records_are_redacted_in_their_arguments():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/portal/dlg_p_secretsecret", "1.1", 200),
        None,
    )
    RedactPortalLinks().filter(record)
    assert "secretsecret" not in record.getMessage()
    assert "/portal/[redacted]" in record.getMessage()
