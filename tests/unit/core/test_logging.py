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


def test_a_token_in_the_query_string_of_an_access_log_line_is_redacted():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/portal?token=dlg_p_secretsecret&x=1", "1.1", 400),
        None,
    )
    RedactPortalLinks().filter(record)
    assert "secretsecret" not in record.getMessage()
    assert "/portal?token=[redacted]&x=1" in record.getMessage()


def test_tokens_in_any_position_are_redacted():
    lines = {
        "GET /api/v1/vendors?api_key=s3cr3tvalue": "s3cr3tvalue",
        "/auth/sso/callback?code=c0dec0de&state=st4testate": "c0dec0de",
        "headers: {'authorization': 'Bearer dlg_t_abcdefSECRET'}": "abcdefSECRET",
        "Authorization: Bearer eyJhbGciOiJ.payload.sig": "payload",
        "cookie: diligence_session=sessionSECRETvalue": "sessionSECRETvalue",
        "the token dlg_t_S3CR3TS3CR3T was refused": "S3CR3TS3CR3T",
    }
    for line, secret in lines.items():
        assert secret not in redact(line), line
    assert "state=st4testate" not in redact("/cb?code=c&state=st4testate")
