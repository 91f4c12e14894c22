"""The roll-up of subservice organisations into the fourth-party register."""

from __future__ import annotations

from datetime import date

from app.fourth_parties.domain.register import (
    HeldReport,
    KnownVendor,
    NamedSubservice,
    build_register,
)


def _named(vendor_id, orgs, *, tier="high", method="carve-out", as_of=date(2026, 1, 1), doc=None):
    return NamedSubservice(
        vendor_id=vendor_id,
        vendor_name=f"Vendor {vendor_id}",
        vendor_tier=tier,
        document_id=doc if doc is not None else vendor_id * 10,
        organizations=tuple(orgs),
        method=method,
        as_of=as_of,
    )


def test_spellings_of_one_organisation_form_one_entry_with_its_concentration():
    register = build_register(
        [
            _named(1, ["Amazon Web Services, Inc."], tier="critical"),
            _named(2, ["Amazon Web Services"], tier="critical"),
            _named(3, ["amazon web services inc", "Stripe, Inc."], tier="low"),
        ],
        [],
        [],
    )
    top = register[0]
    assert top.vendor_count == 3
    assert top.critical_count == 2
    assert top.concentration.endswith("sits behind 3 vendors, 2 of them critical")
    assert [d.vendor_id for d in top.dependents] == [1, 2, 3]
    assert register[1].concentration == "Stripe, Inc. sits behind 1 vendor"


def test_the_newest_report_of_a_vendor_says_carve_out_or_inclusive():
    register = build_register(
        [
            _named(1, ["Nimbus Hosting"], method="carve-out", as_of=date(2024, 12, 31), doc=5),
            _named(1, ["Nimbus Hosting"], method="inclusive", as_of=date(2025, 12, 31), doc=6),
        ],
        [],
        [],
    )
    (entry,) = register
    assert entry.vendor_count == 1
    (dependent,) = entry.dependents
    assert (dependent.method, dependent.document_id) == ("inclusive", 6)


def test_own_report_and_vendor_record_are_found_by_normalised_name():
    register = build_register(
        [_named(1, ["Nimbus Hosting LLC"]), _named(2, ["Quarry Data"])],
        [HeldReport(document_id=77, organization="Nimbus Hosting"), HeldReport(78, "Other Co")],
        [KnownVendor(vendor_id=9, name="Quarry Data Ltd", names=("Quarry Data Ltd",))],
    )
    by_name = {e.name: e for e in register}
    nimbus, quarry = by_name["Nimbus Hosting LLC"], by_name["Quarry Data"]
    assert nimbus.own_report_ids == (77,) and nimbus.holds_report
    assert nimbus.vendor_record is None
    assert not quarry.holds_report
    assert quarry.vendor_record is not None and quarry.vendor_record.vendor_id == 9


def test_blank_names_are_not_fourth_parties():
    assert build_register([_named(1, ["  ", "—"])], [], []) == []


def test_a_name_extended_by_whole_words_or_the_web_domain_is_the_same_organisation():
    register = build_register(
        [_named(1, ["Nimbus Cloud"]), _named(2, ["Quarry"]), _named(3, ["Nimbusly"])],
        [HeldReport(5, "Nimbus Cloud Hosting EU"), HeldReport(6, "Nimbus")],
        [
            KnownVendor(7, "Quarry Data Services", ("Quarry Data Services",)),
            KnownVendor(8, "Tern Ltd", ("Tern Ltd",), domain="https://www.nimbusly.io"),
        ],
    )
    by_name = {e.name: e for e in register}
    assert by_name["Nimbus Cloud"].own_report_ids == (5, 6)
    assert by_name["Quarry"].vendor_record.vendor_id == 7
    assert by_name["Nimbusly"].vendor_record.vendor_id == 8
    assert by_name["Nimbusly"].own_report_ids == ()  # "Nimbus" is not a whole-word prefix
