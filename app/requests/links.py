"""Portal link tokens: 256 random bits with a recognisable prefix; only the hash is stored."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "dlg_p_"  # noqa: S105 (a public prefix, not a secret)


def new_portal_token() -> str:
    """Return a fresh portal token (``dlg_p_`` + 43 base64url characters)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    """Cheap format check before any database lookup."""
    return value.startswith(TOKEN_PREFIX) and 40 <= len(value) <= 64
