"""Where a sign-in may send the browser next: only a path on this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

FALLBACK = "/"
_MAX_LENGTH = 2000
_DECODE_ROUNDS = 3  # percent-encoding nested deeper than this is refused outright


def _has_hidden_characters(text: str) -> bool:
    # Browsers drop tabs and newlines and read a backslash as a slash, so "/\t/evil.example"
    # or "/\\evil.example" would leave the site; in a header they would split it.
    return "\\" in text or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _is_plain_path(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//") and not _has_hidden_characters(path)


def safe_next(target: str | None) -> str:
    """Return ``target`` when it is a same-site path, else ``/``.

    The text as sent holds no hidden character anywhere, and its path stays a plain local
    path through every percent-decoding (a browser or proxy may decode it again).
    """
    if not target or len(target) > _MAX_LENGTH or _has_hidden_characters(target):
        return FALLBACK
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return FALLBACK
    path = parts.path
    for _ in range(_DECODE_ROUNDS):
        if not _is_plain_path(path):
            return FALLBACK
        decoded = unquote(path)
        if decoded == path:
            return target
        path = decoded
    return FALLBACK


# The page each role starts on when a sign-in asked for no page in particular.
ROLE_HOMES = {"procurement": "/requests"}


def landing_path(role: str, target: str | None) -> str:
    """Return where a sign-in sends the browser: the page asked for, else the role's home."""
    path = safe_next(target)
    return ROLE_HOMES.get(role, FALLBACK) if path == FALLBACK else path
