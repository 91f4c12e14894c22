"""What each kind of document is called on pages, exports and mail: one table for all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# By the kind a document was uploaded as (``DocumentKind`` values).
UPLOADED_KIND_LABELS: Final[Mapping[str, str]] = {
    "soc1_report": "SOC 1 report",
    "soc2_report": "SOC 2 report",
    "soc3_report": "SOC 3 report",
    "bridge_letter": "Bridge letter",
    "iso27001_certificate": "ISO/IEC 27001 certificate",
    "iso42001_certificate": "ISO/IEC 42001 certificate",
    "other": "Other document",
}
