"""Which files can be the organisation's logo: PNG and JPEG by their bytes, never SVG."""

from __future__ import annotations

import pytest

from app.organisation.domain.logo import MAX_LOGO_BYTES, LogoRefused, logo_type

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.mark.parametrize(("data", "expected"), [(PNG, "image/png"), (JPEG, "image/jpeg")])
def test_png_and_jpeg_are_accepted_by_their_first_bytes(data, expected):
    assert logo_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"\xef\xbb\xbf  <!DOCTYPE svg><svg/>",
    ],
)
def test_svg_is_refused_with_the_reason(data):
    with pytest.raises(LogoRefused, match="SVG files can carry scripts"):
        logo_type(data)


def test_other_files_and_empty_ones_are_refused_in_plain_words():
    with pytest.raises(LogoRefused, match="not a PNG or JPEG"):
        logo_type(b"GIF89a....")
    with pytest.raises(LogoRefused, match="Choose an image file"):
        logo_type(b"")


def test_a_logo_over_the_limit_is_refused_with_both_sizes():
    with pytest.raises(LogoRefused, match="at most 512 KB"):
        logo_type(PNG + b"\x00" * MAX_LOGO_BYTES)
