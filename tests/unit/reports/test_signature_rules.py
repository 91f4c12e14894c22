"""Auditor, report date and opinion as real reports print them (synthetic look-alikes)."""

from __future__ import annotations

from app.reports.domain.soc_metadata import extract_facts

_SCOPE = [
    "Independent Service Auditor's Report",
    "To the Management of Brindle Data Inc.:",
    "We have examined management's assertion that the controls within the Brindle Platform",
    "were effective throughout the period July 1, 2024 to June 30, 2025, based on the trust",
    "services criteria relevant to security (applicable trust services criteria).",
]
_OPINION = [
    "Opinion",
    "In our opinion, management's assertion that the controls within the Brindle Platform were",
    "effective throughout the period July 1, 2024 to June 30, 2025, is fairly stated, in all",
    "material respects.",
]
_ASSERTION = [
    "Assertion of Brindle Data Inc. Management",
    "We are responsible for designing, implementing, operating, and maintaining effective controls",
    "throughout the period July 1, 2024 to June 30, 2025.",
]
_COVER = ["Brindle Data Inc.", "SOC 3 Report", "For the period July 1, 2024 to June 30, 2025"]


def _read(auditor_page: list[str]) -> dict[str, object]:
    return extract_facts(
        ["\n".join(_COVER), "\n".join(auditor_page), "\n".join(_ASSERTION)]
    ).as_dict()


def test_firm_without_legal_suffix_above_city_and_date():
    facts = _read([*_SCOPE, *_OPINION, "Fenwick Ridge Advisors", "Ames, Iowa", "August 2, 2025"])
    assert facts["service_auditor"] == "Fenwick Ridge Advisors"
    assert facts["report_date"] == "2025-08-02"


def test_place_and_date_on_one_line_with_the_firm_only_as_an_image():
    facts = _read([*_SCOPE, *_OPINION, "Salt Lake City, Utah. August 2, 2025"])
    assert facts["report_date"] == "2025-08-02"
    assert facts["service_auditor"] is None


def test_day_first_date_above_the_city_and_firm_in_letterhead_and_footer():
    page = [
        "Calder Moreno LLP",
        "88 Quay Street",
        "Tel: +1 555 0100",
        *_SCOPE,
        "A member firm of Calder Moreno Global Limited",
        "Opinion",
        "In our opinion, Brindle's controls over the system were effective throughout the period",
        "1 July 2024 to 30 June 2025, to provide reasonable assurance based on the criteria.",
        "2 August 2025",
        "Denver, CO",
    ]
    facts = _read(page)
    assert facts["service_auditor"] == "Calder Moreno LLP"
    assert facts["report_date"] == "2025-08-02"
    assert facts["opinion"] == "unqualified"


def test_member_firm_footer_alone_names_the_firm():
    page = [*_SCOPE, *_OPINION, "August 2, 2025", "A member firm of Orrin Tate International"]
    assert _read(page)["service_auditor"] == "Orrin Tate"


def test_scoped_out_no_opinion_on_cybersecurity_is_not_a_disclaimer():
    page = [
        *_SCOPE,
        "Our examination was not conducted to evaluate the cybersecurity risk management program.",
        "Accordingly, we do not express an opinion or any other form of assurance on it or on",
        "its cybersecurity program.",
        *_OPINION,
        "August 2, 2025",
    ]
    assert _read(page)["opinion"] == "unqualified"


def test_individual_cpa_signing_is_not_mistaken_for_a_place():
    facts = _read([*_SCOPE, *_OPINION, "Ravi Menon, CPA", "Pune, India", "August 2, 2025"])
    assert facts["service_auditor"] == "Ravi Menon, CPA"


def test_quoted_assertion_title_in_running_text_is_not_a_section_heading():
    page = [
        "Independent Service Auditor's Report",
        "We have examined management's assertion, contained within the accompanying \"Management's",
        'Report of its Assertions on the Effectiveness of Its Controls Over the Brindle System"',
        "that the controls were effective throughout the period July 1, 2024 to June 30, 2025.",
        *_OPINION,
        "2 August 2025",
        "Austin, Texas",
    ]
    assert _read(page)["report_date"] == "2025-08-02"


def test_sentence_case_auditor_heading_starts_the_auditor_report():
    page = [
        "Independent service auditor's report",
        *_SCOPE[1:],
        *_OPINION,
        "Fenwick Ridge Advisors",
        "Ames, Iowa",
        "August 2, 2025",
    ]
    facts = _read(page)
    assert facts["report_date"] == "2025-08-02"
    assert facts["service_auditor"] == "Fenwick Ridge Advisors"


def test_products_in_scope_for_part_of_the_period_raise_no_date_conflict():
    def listing(page: int) -> str:
        return "\n".join(
            [
                f"Attachment {page}: products in scope",
                *[f"Product {page}-{n} is in scope" for n in range(3)],
                "+ Indicates products in scope only for the period 1 January 2025 through 30 June 2025",
                *[f"Data center {page}-{n}" for n in range(4)],
            ]
        )

    pages = [
        "\n".join(_COVER),
        "\n".join([*_SCOPE, *_OPINION, "August 2, 2025"]),
        "\n".join(_ASSERTION),
        *[listing(page) for page in range(4, 8)],
    ]
    result = extract_facts(pages)
    assert (result.period_start, result.period_end) == ("2024-07-01", "2025-06-30")
    assert "DATE_CONFLICT" not in result.warning_codes()
