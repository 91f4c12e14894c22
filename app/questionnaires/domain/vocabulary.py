"""Fixed vocabularies of questionnaire definitions: question types, document kinds, report facts."""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal, get_args

NOT_APPLICABLE: Final = "n/a"


class QuestionType(StrEnum):
    """The kinds of answer a question takes."""

    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    DATE = "date"
    NUMBER = "number"
    FILE_UPLOAD = "file_upload"
    TRUST_CENTER = "trust_center"

    @property
    def label(self) -> str:
        """The type as the editor names it ("Yes or no"), in sentence case."""
        return QUESTION_TYPE_LABELS[self]


QUESTION_TYPE_LABELS: Final = {
    QuestionType.YES_NO: "Yes or no",
    QuestionType.SINGLE_CHOICE: "Single choice",
    QuestionType.MULTIPLE_CHOICE: "Multiple choice",
    QuestionType.SHORT_TEXT: "Short text",
    QuestionType.LONG_TEXT: "Long text",
    QuestionType.DATE: "Date",
    QuestionType.NUMBER: "Number",
    QuestionType.FILE_UPLOAD: "File upload",
    QuestionType.TRUST_CENTER: "Link to a trust center",
}


CHOICE_TYPES: Final = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
DOCUMENT_TYPES: Final = frozenset({QuestionType.FILE_UPLOAD, QuestionType.TRUST_CENTER})
"""Question types that say which kinds of document they expect (`document_kinds`)."""

TRUST_CENTER_TERMS: Final = {
    "public": "Anyone can download it",
    "click_through": "Accept a click-through agreement",
    "nda": "Sign a non-disclosure agreement",
    "customer_login": "Customers sign in to download it",
    "on_request": "Access is granted on request",
}
"""What the vendor says applies before a report in its trust center can be downloaded.

A `trust_center` answer is `[url, terms]`: where the report is published and one of these
terms. The report itself is attached later by the vendor or by staff, with that address and
the date as its provenance; nothing is fetched from the internet.
"""


class DocumentKind(StrEnum):
    """Documents a file-upload question may ask for."""

    SOC1_REPORT = "soc1_report"
    SOC2_REPORT = "soc2_report"
    SOC3_REPORT = "soc3_report"
    BRIDGE_LETTER = "bridge_letter"
    ISO27001_CERTIFICATE = "iso27001_certificate"
    ISO42001_CERTIFICATE = "iso42001_certificate"
    OTHER = "other"


CERTIFICATE_KINDS: Final = frozenset(
    {DocumentKind.ISO27001_CERTIFICATE, DocumentKind.ISO42001_CERTIFICATE}
)
"""Certificates, which may arrive as images (PNG or JPEG) as well as PDF."""


MapsToKey = Literal[
    "framework",
    "report_type",
    "period_start",
    "period_end",
    "service_auditor",
    "opinion",
    "trust_services_criteria",
    "exceptions_count",
    "subservice_organizations",
    "subservice_method",
    "cuecs",
    "bridge_through",
    "certificate_expiry",
    "holds_current_soc2_type2",
    "has_exceptions",
    "iso27001_certified",
    "has_bridge_letter",
    "iso42001_certified",
    "ai_trains_on_customer_data",
    "ai_in_soc2_scope",
    "model_provider_tiers",
    "model_providers",
]
MAPS_TO_KEYS: Final[frozenset[str]] = frozenset(get_args(MapsToKey))
"""Report-fact keys a question may map to; shared with the scoring module."""

AI_MAPS_TO_KEYS: Final[frozenset[str]] = frozenset(
    {"iso42001_certified", "ai_trains_on_customer_data", "ai_in_soc2_scope"}
    | {"model_provider_tiers", "model_providers"}
)
"""The keys an AI-provider questionnaire answers (`questionnaires/ai-provider`)."""

CLAIM_KEYS: Final[frozenset[str]] = frozenset(
    {"holds_current_soc2_type2", "has_exceptions", "iso27001_certified", "has_bridge_letter"}
    | {"iso42001_certified", "ai_trains_on_customer_data", "ai_in_soc2_scope"}
)
"""The `maps_to` keys that are yes/no claims rather than report facts."""

_TEXT_TYPES = frozenset({QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT})
MAPS_TO_TYPES: Final[dict[str, frozenset[QuestionType]]] = {
    "framework": frozenset({QuestionType.SINGLE_CHOICE}),
    "report_type": frozenset({QuestionType.SINGLE_CHOICE}),
    "period_start": frozenset({QuestionType.DATE}),
    "period_end": frozenset({QuestionType.DATE}),
    "service_auditor": _TEXT_TYPES,
    "opinion": frozenset({QuestionType.SINGLE_CHOICE}),
    "trust_services_criteria": frozenset({QuestionType.MULTIPLE_CHOICE}),
    "exceptions_count": frozenset({QuestionType.NUMBER}),
    "subservice_organizations": _TEXT_TYPES,
    "subservice_method": frozenset({QuestionType.SINGLE_CHOICE}),
    "cuecs": frozenset({QuestionType.YES_NO}),
    "bridge_through": frozenset({QuestionType.DATE}),
    "certificate_expiry": frozenset({QuestionType.DATE}),
    "model_provider_tiers": frozenset({QuestionType.MULTIPLE_CHOICE}),
    "model_providers": _TEXT_TYPES,
    **{key: frozenset({QuestionType.YES_NO}) for key in CLAIM_KEYS},
}
"""Question types allowed for each `maps_to` key, so answer values have a known shape."""

MAPS_TO_CHOICE_VALUES: Final[dict[str, frozenset[str]]] = {
    "framework": frozenset({"soc1", "soc2", "soc3", "none"}),
    "report_type": frozenset({"type1", "type2"}),
    "opinion": frozenset({"unqualified", "qualified", "adverse", "disclaimer"}),
    "subservice_method": frozenset({"carve_out", "inclusive", "none"}),
    "trust_services_criteria": frozenset(
        {"security", "availability", "confidentiality", "processing_integrity", "privacy"}
    ),
    "model_provider_tiers": frozenset(
        {"cloud_platform", "commercial_api", "consumer_or_free_tier", "self_hosted", "other"}
    ),
}
"""Choice values a mapped choice question may offer, so scoring reads a fixed vocabulary.

`none` means "no such fact" (no SOC report, no subservice organisations); scoring reads it
as unanswered. `cuecs` is a yes/no: does the report list complementary user entity controls.
`model_provider_tiers` says how an AI feature reaches its models: the kind of offering decides
whether the model provider may train on what it receives by default.
"""
