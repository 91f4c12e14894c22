"""The organisation's logo: which files are accepted, judged by their bytes alone.

Only PNG and JPEG are taken. An SVG is a document that can carry scripts and links, so it is
refused however it is named; the type is read from the file's first bytes, never from its
name or the browser's word, and the logo is always served under the type found here.
"""

from __future__ import annotations

MAX_LOGO_BYTES = 512 * 1024
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


class LogoRefused(ValueError):
    """The file cannot be the logo; the message says why in plain words."""


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def logo_type(data: bytes) -> str:
    """Return the media type of an acceptable logo, or raise LogoRefused."""
    if not data:
        raise LogoRefused("Choose an image file to upload.")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRefused(
            f"The logo is {len(data) // 1024} KB; it can be at most {MAX_LOGO_BYTES // 1024} KB."
        )
    if _looks_like_svg(data):
        raise LogoRefused(
            "SVG files can carry scripts, so they are not accepted. Upload a PNG or JPEG."
        )
    for signature, media_type in _SIGNATURES.items():
        if data.startswith(signature):
            return media_type
    raise LogoRefused("This file is not a PNG or JPEG image. Upload a PNG or JPEG.")
