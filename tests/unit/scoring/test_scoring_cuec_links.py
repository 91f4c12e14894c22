"""CUECs mapped to our controls: the ones left unmapped are a finding; text decides identity."""

from __future__ import annotations

from scoring_builders import profile, report, score

from app.scoring.domain.cuecs import WHOLE_SECTION, cuec_key

TEXTS = [f"Customers run control number {index}." for index in range(1, 6)]


def unlinked(result):
    return [item for item in result.findings if item.code == "CUEC_UNLINKED"]


def test_the_key_ignores_case_and_spacing_but_not_words():
    assert cuec_key("Customers review  access.") == cuec_key(" customers REVIEW access. ")
    assert cuec_key("Customers review access.") != cuec_key("Customers revoke access.")


def test_unmapped_cuecs_are_named_and_counted_beyond_three():
    linked = profile(cuec_controls_linked=[cuec_key(TEXTS[0])])
    [found] = unlinked(score(report(cuec_list=TEXTS, cuecs=True), vendor=linked))
    assert found.severity == "medium"
    assert found.message.startswith("4 of the 5 complementary user entity controls of report")
    assert f"'{TEXTS[1]}'" in found.message and "and 3 more." in found.message
    assert TEXTS[0] not in found.message


def test_all_mapped_gives_no_finding_and_nothing_said_flags_every_cuec():
    every = profile(cuec_controls_linked=[cuec_key(text) for text in TEXTS])
    assert unlinked(score(report(cuec_list=TEXTS), vendor=every)) == []
    # No mapping recorded: nobody on our side owns them yet.
    [found] = unlinked(score(report(cuec_list=TEXTS)))
    assert found.message.startswith("5 of the 5")


def test_a_report_with_an_unlisted_cuec_section_needs_the_section_mapped():
    nothing = profile(cuec_controls_linked=[])
    assert WHOLE_SECTION in unlinked(score(report(cuecs=True), vendor=nothing))[0].message
    section = profile(cuec_controls_linked=[cuec_key(WHOLE_SECTION)])
    assert unlinked(score(report(cuecs=True), vendor=section)) == []
