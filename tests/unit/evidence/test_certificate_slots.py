"""A certificate uploaded for a certificate question is checked against the standard asked for."""

from datetime import date

from app.evidence.domain.slots import slot_problems
from app.scoring.domain.inputs import VendorProfile, parse_facts

PROFILE = VendorProfile(inherent_tier="high")


def _certificate(standard):
    return parse_facts(
        {
            "doc_kind": "iso_certificate",
            "standard": standard,
            "certificate_expiry": "2028-03-11",
        },
        default_document_id="cert",
    )


def _problems(standard, asks_for):
    return slot_problems(
        _certificate(standard),
        asks_for=asks_for,
        question_text="Upload your certificate.",
        profile=PROFILE,
        today=date(2026, 12, 6),
    )


def test_an_iso42001_certificate_fits_the_iso42001_question():
    assert _problems("ISO/IEC 42001:2023", ["iso42001_certificate"]) == []


def test_an_iso27001_certificate_in_the_iso42001_question_is_named_for_what_it_is():
    (problem,) = _problems("ISO/IEC 27001:2022", ["iso42001_certificate"])
    assert problem == (
        "This is an ISO/IEC 27001 certificate; this question asks for an ISO/IEC 42001 certificate."
    )


def test_an_iso42001_certificate_does_not_answer_the_iso27001_question():
    (problem,) = _problems("ISO/IEC 42001:2023", ["iso27001_certificate"])
    assert "This is an ISO/IEC 42001 certificate" in problem
