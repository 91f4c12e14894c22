"""What each kind of document, and each way one arrives, is called on pages, exports, mail and
the audit log: one table each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# By the kind a document was uploaded as (``DocumentKind`` values), as said inside a sentence.
DOCUMENT_KIND_WORDS: Final[Mapping[str, str]] = {
    "soc1_report": "SOC 1 report",
    "soc2_report": "SOC 2 report",
    "soc3_report": "SOC 3 report",
    "bridge_letter": "bridge letter",
    "iso27001_certificate": "ISO/IEC 27001 certificate",
    "iso42001_certificate": "ISO/IEC 42001 certificate",
    "other": "other document",
}
# The same as labels ("Bridge letter").
UPLOADED_KIND_LABELS: Final[Mapping[str, str]] = {
    kind: words[:1].upper() + words[1:] for kind, words in DOCUMENT_KIND_WORDS.items()
}
# By the way a document arrived (``UploadChannel`` values), as said after "uploaded by"; the
# audit log also names the background worker and the demo data as the hands that kept a file.
UPLOAD_CHANNEL_WORDS: Final[Mapping[str, str]] = {
    "portal": "the vendor, through the questionnaire",
    "staff": "staff",
    "api": "the API",
    "worker": "the background worker",
    "demo": "the demo data",
}
