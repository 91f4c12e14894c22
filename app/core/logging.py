"""Logging setup: one readable line per record on stderr, with capability links redacted."""

from __future__ import annotations

import logging
import re

# Portal links and API tokens are bearer secrets: they must never reach a log file
# (SECURITY.md 3.3), wherever they appear: in a path, a query string or a header.
_PORTAL_TOKEN = re.compile(r"(/portal/|/p/)dlg_p_[A-Za-z0-9_-]+")
REDACTED = r"\1[redacted]"
_ANY_TOKEN = re.compile(r"dlg_[a-z]_[A-Za-z0-9_-]+")
_SECRET_QUERY = re.compile(
    r"([?&;](?:token|access_token|api_key|apikey|key|code|state|password|secret|session)=)"
    r"[^&;#\s\"']*",
    re.IGNORECASE,
)
_SECRET_HEADER = re.compile(
    r"((?:authorization|proxy-authorization|cookie|set-cookie|x-api-key)[\"']?\s*[:=,]\s*[\"']?)"
    r"[^\"'\r\n]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def redact(text: str) -> str:
    """Replace every portal link, token, secret query value and credential header."""
    text = _PORTAL_TOKEN.sub(REDACTED, text)
    text = _SECRET_QUERY.sub(r"\1[redacted]", text)
    text = _SECRET_HEADER.sub(r"\1[redacted]", text)
    text = _BEARER.sub(r"\1[redacted]", text)
    return _ANY_TOKEN.sub("[redacted]", text)


class RedactPortalLinks(logging.Filter):
    """Rewrite log records (uvicorn's access log included) so portal tokens never appear."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def configure_logging(level: str) -> None:
    """Configure the root logger once and attach the redaction to every handler we know."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    redaction = RedactPortalLinks()
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "httpx"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPortalLinks) for f in logger.filters):
            logger.addFilter(redaction)
        for handler in logger.handlers:
            if not any(isinstance(f, RedactPortalLinks) for f in handler.filters):
                handler.addFilter(redaction)
