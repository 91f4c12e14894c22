"""Subservice organisations and CUECs as real carve-out reports word them (synthetic text)."""

from __future__ import annotations

from app.reports.domain.soc_metadata import extract_facts

_COVER = "\n".join(
    ["Wexley Labs, Inc.", "SOC 3 Report", "For the period May 1, 2024 to April 30, 2025"]
)
_REPORT = [
    "Independent Service Auditor's Report",
    "To the Management of Wexley Labs, Inc.:",
    "We have examined management's assertion that the controls within the Wexley Platform were",
    "effective throughout the period May 1, 2024 to April 30, 2025, based on the trust services",
    "criteria relevant to security.",
]
_OPINION = [
    "Opinion",
    "In our opinion, management's assertion is fairly stated, in all material respects.",
    "Brock Hale LLP",
    "Boise, Idaho",
    "June 3, 2025",
]
_ASSERTION = [
    "Assertion of Wexley Labs, Inc. Management",
    "We are responsible for the controls throughout the period May 1, 2024 to April 30, 2025.",
]


def _read(report_lines: list[str], description: list[str]) -> dict[str, object]:
    pages = [
        _COVER,
        "\n".join([*_REPORT, *report_lines, *_OPINION]),
        "\n".join(_ASSERTION),
        "\n".join(description),
    ]
    return extract_facts(pages).as_dict()


def test_defined_group_of_providers_and_did_not_extend_to_their_controls():
    description = [
        "Infrastructure",
        "The Company's platform is hosted by Amazon Web Services (AWS), and its queue is run by",
        "Nimbus Queue. The Company leverages the resources of AWS and Nimbus Queue (collectively,",
        "the Hosting Providers) to scale as needed.",
        "The examination performed by the independent service auditor did not extend to the",
        "policies, procedures, and controls of the Hosting Providers.",
    ]
    facts = _read([], description)
    assert sorted(facts["subservice_organizations"]) == ["Amazon Web Services", "Nimbus Queue"]
    assert facts["subservice_method"] == "carve-out"


def test_two_providers_each_for_a_service_named_once_in_prose():
    report = [
        "Wexley uses Amazon Web Services for data hosting services and Quillfeather Sync for data",
        "processing services (subservice organizations). Our examination did not include the",
        "services provided by the subservice organizations.",
    ]
    facts = _read(report, ["Description of the System", "The system serves schools."])
    assert sorted(facts["subservice_organizations"]) == ["Amazon Web Services", "Quillfeather Sync"]
    assert facts["subservice_method"] == "carve-out"


def test_services_provided_by_lists_not_included_within_the_scope():
    description = [
        "Subservice Organizations (Subprocessors)",
        "The cloud hosting services provided by AWS and GCP, and the e-mail services provided by",
        "Postwren and Mailhatch were not included within the scope of this examination.",
    ]
    facts = _read([], description)
    assert sorted(facts["subservice_organizations"]) == ["AWS", "GCP", "Mailhatch", "Postwren"]
    assert facts["subservice_method"] == "carve-out"


def test_the_phrase_a_subservice_organization_is_not_a_name():
    report = [
        "Wexley uses a subservice organization to provide hosting. Our examination did not",
        "include the services provided by the subservice organization.",
    ]
    facts = _read(report, ["Description of the System", "The system serves schools."])
    assert facts["subservice_organizations"] == []


def test_cuecs_under_complementary_controls_at_user_entities_with_unpunctuated_numbers():
    description = [
        "Complementary Controls at User Entities",
        "Wexley's services are designed with the assumption that certain controls will be",
        "implemented by user entities. user entities' auditors should exercise judgment in",
        "selecting and reviewing these complementary user entity controls",
        "1 Reviewing the completeness and accuracy of system outputs.",
        "2 Removing access for terminated users in a timely manner.",
    ]
    facts = _read([], description)
    assert facts["cuecs"] is True
    assert facts["cuec_list"] == [
        "Reviewing the completeness and accuracy of system outputs.",
        "Removing access for terminated users in a timely manner.",
    ]


def test_lettered_cuec_heading():
    description = [
        "D. Complementary User Entity Controls",
        "User entities are responsible for the following:",
        "• Protecting their own passwords.",
        "• Reporting incidents to Wexley promptly.",
    ]
    facts = _read([], description)
    assert facts["cuec_list"] == [
        "Protecting their own passwords.",
        "Reporting incidents to Wexley promptly.",
    ]


def test_cuec_evidence_quotes_the_page_the_list_is_on():
    pages = [
        _COVER,
        "\n".join([*_REPORT, *_OPINION]),
        "\n".join(_ASSERTION),
        "\n".join(["Overview", "Some text.", "Complementary Controls at User Entities"]),
        "\n".join(
            [
                "Control list",
                "User entities are responsible for protecting their own passwords.",
                "User entities are responsible for reporting incidents promptly.",
            ]
        ),
    ]
    result = extract_facts(pages)
    assert result.cuecs
    assert result.evidence["cuecs"][0].page == 5
