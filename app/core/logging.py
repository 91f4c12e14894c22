"""Logging setup: one readable line per record on stderr, with capability links redacted."""

from __future__ import annotations

import logging
import re

# Portal links are bearer secrets: they must never reach a log file (SECURITY.md 3.3).
_PORTAL_TOKEN = re.compile(r"(/portal/|/p/)dlg_p_[A-Za-z0-9_-]+")
REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    """Replace every portal token in a text with a marker."""
    return _PORTAL_TOKEN.sub(REDACTED, text)


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
