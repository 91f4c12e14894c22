"""Scoring inputs: document facts, vendor answers (claims) and the vendor profile.

Facts come from report extraction and answers from questionnaires, so parsing is lenient
about spelling ("Type II", "SOC2", "carve_out") but strict about types: a value that cannot
mean anything raises `InputError` with one readable line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from app.scoring.domain.policy import InherentTier, first_error
from app.scoring.errors import InputError

DocKind = Literal["soc_report", "bridge_letter", "iso_certificate", "other"]
Framework = Literal["SOC 1", "SOC 2", "SOC 3"]
ReportType = Literal["type1", "type2"]
Opinion = Literal["unqualified", "qualified", "adverse", "disclaimer"]
Criterion = Literal[
    "availability", "confidentiality", "privacy", "processing_integrity", "security"
]
SubserviceMethod = Literal["carve-out", "inclusive"]
YesNo = Literal["yes", "no"]
_ModelT = TypeVar("_ModelT", bound=BaseModel)

_UNKNOWN_WORDS = {"", "unknown", "none", "null", "n/a"}


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in _UNKNOWN_WORDS:
        return None
    return value


def _framework(value: object) -> object:
    value = _blank_to_none(value)
    if not isinstance(value, str):
        return value
    compact = re.sub(r"[\s_\-]+", "", value.upper())
    if compact.startswith("ISAE3402"):
        return "SOC 1"
    if compact.startswith("ISAE3000"):
        return "SOC 2"
    match = re.fullmatch(r"SOC([123])\+?", compact)
    return f"SOC {match.group(1)}" if match else value


def _report_type(value: object) -> object:
    value = _blank_to_none(value)
    if not isinstance(value, str):
        return value
    compact = re.sub(r"[\s_\-]+", "", value.lower())
    return {"type1": "type1", "typei": "type1", "type2": "type2", "typeii": "type2"}.get(
        compact, value
    )


def _lower_word(value: object) -> object:
    value = _blank_to_none(value)
    return value.strip().lower() if isinstance(value, str) else value


def _criterion(value: object) -> object:
    value = _lower_word(value)
    return re.sub(r"[\s\-]+", "_", value) if isinstance(value, str) else value


def _method(value: object) -> object:
    value = _lower_word(value)
    if isinstance(value, str) and re.sub(r"[\s_\-]+", "", value) == "carveout":
        return "carve-out"
    return value


def _yes_no(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    value = _lower_word(value)
    if not isinstance(value, str):
        return value
    return {"y": "yes", "true": "yes", "n": "no", "false": "no"}.get(value, value)


def _yes_no_bool(value: object) -> object:
    value = _lower_word(value)
    if not isinstance(value, str):
        return value
    return {"yes": True, "no": False}.get(value, value)


def _as_list(value: object) -> object:
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _as_list_or_none(value: object) -> object:
    return None if value is None else _as_list(value)


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("expected a whole number, not true/false")
    return _blank_to_none(value)


def _text_item(value: object) -> object:
    if isinstance(value, Mapping):
        text = value.get("text") or value.get("control") or value.get("description")
        return text if isinstance(text, str) else str(dict(value))
    return value


OptDate = Annotated[date | None, BeforeValidator(_blank_to_none)]
OptText = Annotated[str | None, BeforeValidator(_blank_to_none)]
OptFramework = Annotated[Framework | None, BeforeValidator(_framework)]
OptReportType = Annotated[ReportType | None, BeforeValidator(_report_type)]
OptOpinion = Annotated[Opinion | None, BeforeValidator(_lower_word)]
OptMethod = Annotated[SubserviceMethod | None, BeforeValidator(_method)]
CriterionItem = Annotated[Criterion, BeforeValidator(_criterion)]
Criteria = Annotated[tuple[CriterionItem, ...], BeforeValidator(_as_list)]
Names = Annotated[tuple[str, ...], BeforeValidator(_as_list)]
Count = Annotated[Annotated[int, Field(ge=0)] | None, BeforeValidator(_no_bool)]
OptYesNo = Annotated[YesNo | None, BeforeValidator(_yes_no)]
LenientBool = Annotated[bool, BeforeValidator(_yes_no_bool)]


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)


class Snippet(_Input):
    page: Annotated[int | None, BeforeValidator(_no_bool)] = None
    snippet: str = ""


class ExceptionItem(_Input):
    control_id: OptText = None
    criteria: Names = ()
    result: OptText = None
    page: Annotated[int | None, BeforeValidator(_no_bool)] = None
    # What management answered in the report (Section 5); it is shown, it does not score.
    management_response: OptText = None


class FactsWarning(_Input):
    code: str
    message: str = ""


_STANDARD_NUMBER = re.compile(r"\b(27001|27017|27018|27701|42001|9001|22301|14001|20000-1)\b")
_STANDARD_EDITION = re.compile(r":\s*((?:19|20)\d\d)\b")


class DocumentFacts(_Input):
    """Facts read from one uploaded document, with any reviewer corrections applied."""

    document_id: str = Field(min_length=1)
    # The uploaded file's name, which messages use to refer to the document.
    filename: OptText = None
    doc_kind: DocKind
    framework: OptFramework = None
    report_type: OptReportType = None
    service_organization: OptText = None
    service_auditor: OptText = None
    period_start: OptDate = None
    period_end: OptDate = None
    report_date: OptDate = None
    bridge_through: OptDate = None
    certificate_expiry: OptDate = None
    # The standard a certificate is issued against ("ISO/IEC 42001:2023"); unnamed is 27001.
    standard: OptText = None
    opinion: OptOpinion = None
    opinion_affected_refs: Names = ()
    trust_services_criteria: Criteria = ()
    exceptions_count: Count = None
    exceptions: Annotated[tuple[ExceptionItem, ...], BeforeValidator(_as_list)] = ()
    controls_tested_count: Count = None
    subservice_organizations: Names = ()
    subservice_method: OptMethod = None
    cuecs: LenientBool = False
    cuec_list: Annotated[
        tuple[Annotated[str, BeforeValidator(_text_item)], ...], BeforeValidator(_as_list)
    ] = ()
    material_changes: Annotated[
        Literal["none_stated", "changes_listed", "unclear"] | None, BeforeValidator(_criterion)
    ] = None
    system_name: OptText = None
    # Set when someone said what a document about another organisation is ("subservice",
    # "alias_proposed"); see `identity`.
    identity: OptText = None
    warnings: Annotated[tuple[FactsWarning, ...], BeforeValidator(_as_list)] = ()
    evidence: dict[str, tuple[Snippet, ...]] = Field(default_factory=dict)
    confidence: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(default_factory=dict)
    corrected_fields: frozenset[str] = frozenset()

    @property
    def iso_standard(self) -> str | None:
        """Return the standard's number for an ISO certificate ("27001" when none is named).

        27017, 27018 and 27701 are supplements to 27001 and 9001 is a quality standard: none of
        them stands in for a 27001 certificate.
        """
        if self.doc_kind != "iso_certificate":
            return None
        found = _STANDARD_NUMBER.search(self.standard or "")
        return found.group(1) if found else "27001"

    @property
    def iso_edition(self) -> int | None:
        """Return the edition year of the certified standard ("ISO/IEC 27001:2013" -> 2013)."""
        found = _STANDARD_EDITION.search(self.standard or "")
        return int(found.group(1)) if found else None

    @property
    def has_cuecs(self) -> bool:
        """Say whether the document lists complementary user entity controls."""
        return self.cuecs or bool(self.cuec_list)

    @property
    def display_name(self) -> str:
        """Name the document as people know it: its file name, else its identifier."""
        return self.filename or self.document_id

    def confidence_of(self, field: str) -> float:
        """Return the confidence of one field: 1.0 when corrected or not reported."""
        if field in self.corrected_fields:
            return 1.0
        return self.confidence.get(field, 1.0)

    def has_date_conflict(self) -> bool:
        """Say whether extraction saw conflicting period dates that nobody corrected."""
        if self.corrected_fields & {"period_start", "period_end"}:
            return False
        return any(warning.code.upper() == "DATE_CONFLICT" for warning in self.warnings)


class ClaimTarget(_Input):
    """What a claim is about: the kinds of document its section asks for, and those uploaded."""

    kinds: Annotated[tuple[str, ...], BeforeValidator(_as_list)] = ()
    documents: Annotated[tuple[str, ...], BeforeValidator(_as_list)] = ()


class Answers(_Input):
    """Vendor claims keyed by questionnaire `maps_to` names; None means not answered.

    ``targets`` says, per claim, which document it must be compared with: the file uploaded in
    the same section, or a document of the kind that section asks about.
    """

    framework: OptFramework = None
    report_type: OptReportType = None
    period_start: OptDate = None
    period_end: OptDate = None
    service_auditor: OptText = None
    opinion: OptOpinion = None
    trust_services_criteria: Annotated[
        tuple[CriterionItem, ...] | None, BeforeValidator(_as_list)
    ] = None
    exceptions_count: Count = None
    subservice_organizations: Annotated[tuple[str, ...] | None, BeforeValidator(_as_list)] = None
    subservice_method: OptMethod = None
    cuecs: Annotated[bool | None, BeforeValidator(_yes_no_bool)] = None
    bridge_through: OptDate = None
    certificate_expiry: OptDate = None
    holds_current_soc2_type2: OptYesNo = None
    has_exceptions: OptYesNo = None
    iso27001_certified: OptYesNo = None
    has_bridge_letter: OptYesNo = None
    iso42001_certified: OptYesNo = None
    ai_trains_on_customer_data: OptYesNo = None
    ai_in_soc2_scope: OptYesNo = None
    model_provider_tiers: Annotated[tuple[str, ...] | None, BeforeValidator(_as_list)] = None
    model_providers: OptText = None
    targets: dict[str, ClaimTarget] = Field(default_factory=dict)
    # The questionnaires (slugs) the vendor has submitted, and the upload questions
    # ("slug/question_id") it answered with a file; None: not known, requirements unchecked.
    questionnaires_submitted: Annotated[
        tuple[str, ...] | None, BeforeValidator(_as_list_or_none)
    ] = None
    uploads_answered: Names = ()
    # Titles of the questionnaires in the library, by slug, so findings name them in words.
    questionnaire_titles: dict[str, str] = Field(default_factory=dict)


class VendorProfile(_Input):
    """What we know about the vendor before reading any evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    inherent_tier: Annotated[InherentTier, BeforeValidator(_lower_word)]
    personal_data: bool = False
    confidential_data: bool = False
    uptime_critical: bool = False
    transaction_processing: bool = False
    icfr_relevant: bool = False
    # The service we use includes AI features, and whether our data reaches them.
    ai_features: bool = False
    ai_processes_our_data: bool = False
    # Every CUEC has an owner on our side, for a profile that lists no mappings (the scoring
    # command's input); the application passes the mapped keys instead.
    cuec_owners_assigned: bool | None = None
    # Keys of the CUECs mapped to one of our controls (see `cuecs`); None: not said.
    cuec_controls_linked: Annotated[tuple[str, ...] | None, BeforeValidator(_as_list_or_none)] = (
        None
    )
    subservice_reports_on_file: Names = ()
    product_names: Names = ()
    # The vendor's legal name and other names, and its web domain: documents about an
    # organisation matching none of them are not the vendor's (empty: not checked).
    organization_names: Names = ()
    organization_domain: OptText = None


def parse_facts(data: object, *, default_document_id: str) -> DocumentFacts:
    """Validate one facts object, applying reviewer corrections over extracted values."""
    if not isinstance(data, Mapping):
        raise InputError("document facts must be a JSON object")
    merged: dict[str, object] = {str(key): value for key, value in data.items()}
    corrections = merged.pop("corrections", None) or {}
    if not isinstance(corrections, Mapping):
        raise InputError("corrections must be an object of field: value")
    merged.update({str(key): value for key, value in corrections.items()})
    merged["corrected_fields"] = frozenset(str(key) for key in corrections)
    if merged.get("document_id") in (None, ""):
        merged["document_id"] = default_document_id
    merged["document_id"] = str(merged["document_id"])
    return _validate(DocumentFacts, merged, f"facts {merged['document_id']}")


def parse_answers(data: object) -> Answers:
    """Validate vendor answers; unknown keys are ignored and missing keys are unanswered."""
    if not isinstance(data, Mapping):
        raise InputError("answers must be a JSON object")
    return _validate(Answers, data, "answers")


def parse_profile(data: object) -> VendorProfile:
    """Validate a vendor profile."""
    if not isinstance(data, Mapping):
        raise InputError("vendor profile must be a JSON object")
    return _validate(VendorProfile, data, "vendor profile")


def _validate(model: type[_ModelT], data: object, what: str) -> _ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"invalid {what}: {first_error(exc)}") from exc
