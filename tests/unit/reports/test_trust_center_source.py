"""What staff type about a trust center beside an upload: kept only with an address."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from app.core.forms import form_errors, parse_fields
from app.reports.provenance import Provenance, TrustCenterSource

TODAY = date(2026, 12, 7)
ADDRESS = "https://trust.vendor.example/soc2"


def _read(**typed: str) -> TrustCenterSource:
    fields = {"source_url": "", "source_terms": "", "source_obtained_on": ""} | typed
    return parse_fields(TrustCenterSource, fields, context={"today": TODAY})


def test_an_address_with_terms_and_no_date_was_obtained_today():
    source = _read(source_url=f"  {ADDRESS} ", source_terms="public")
    assert source.provenance(today=TODAY) == Provenance(ADDRESS, "public", TODAY)


def test_without_an_address_nothing_is_kept_and_the_other_fields_are_not_held_against_it():
    source = _read(source_terms="", source_obtained_on="2999-01-01")
    assert source.provenance(today=TODAY) is None


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"source_url": "trust.vendor.example"}, "source_url", "web address starting https://"),
        ({"source_url": ADDRESS, "source_terms": "whatever"}, "source_terms", "Choose the terms"),
        (
            {"source_url": ADDRESS, "source_terms": "public", "source_obtained_on": "2026-12-08"},
            "source_obtained_on",
            "cannot have been obtained after today",
        ),
        (
            {"source_url": ADDRESS, "source_terms": "public", "source_obtained_on": "07/12/2026"},
            "source_obtained_on",
            "Enter a date like 2031-12-31",
        ),
    ],
)
def test_each_problem_is_said_beside_its_own_field(typed, field, message):
    with pytest.raises(ValidationError) as refused:
        _read(**typed)
    errors = form_errors(refused.value)
    assert message in errors[field]
