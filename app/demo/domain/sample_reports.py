"""The demo's sample documents as text, written from a fact sheet with dates relative to the
day the demo is loaded: a fixed report from 2024 would be lapsed on every later day.

Everything here is fictitious. Each document is a list of pages; each page a list of lines.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

Page = list[str]


def month_end_before(today: date, days: int) -> date:
    """Return the last day of the month that holds ``today - days`` (audit periods end there)."""
    day = today - timedelta(days=days)
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """Move a date by whole months; a month's last day stays its month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    is_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, last if is_month_end else min(day.day, last))


def spoken(day: date) -> str:
    """Write a date the way US audit reports do: "March 31, 2026"."""
    return f"{calendar.month_name[day.month]} {day.day}, {day.year}"


@dataclass(frozen=True)
class Finding:
    control: str
    criterion: str
    text: str


@dataclass(frozen=True)
class SocReport:
    organisation: str
    short_name: str
    system: str
    auditor: str
    auditor_city: str
    period_end: date
    report_type: int = 2
    opinion: str = "unqualified"  # unqualified, qualified or adverse
    criteria: tuple[str, ...] = ("Security",)
    subservice: str = "Amazon Web Services, Inc."
    findings: tuple[Finding, ...] = ()
    cuecs: tuple[str, ...] = (
        "User entities are responsible for reviewing their users' access every quarter.",
        "User entities are responsible for protecting the credentials of their accounts.",
    )
    report_lag_days: int = 45

    @property
    def period_start(self) -> date:
        return add_months(self.period_end, -12) + timedelta(days=1)

    @property
    def report_date(self) -> date:
        return self.period_end + timedelta(days=self.report_lag_days)

    @property
    def when(self) -> str:
        if self.report_type == 1:
            return f"as of {spoken(self.period_end)}"
        return f"throughout the period {spoken(self.period_start)} to {spoken(self.period_end)}"


def _criteria_words(criteria: Sequence[str]) -> str:
    if len(criteria) == 1:
        return criteria[0]
    return ", ".join(criteria[:-1]) + ", and " + criteria[-1]


def _cover(report: SocReport) -> Page:
    kind = "Type 2" if report.report_type == 2 else "Type 1"
    period = (
        f"Throughout the Period {spoken(report.period_start)} to {spoken(report.period_end)}"
        if report.report_type == 2
        else f"As of {spoken(report.period_end)}"
    )
    return [
        report.organisation,
        report.system,
        f"System and Organization Controls (SOC) 2 {kind} Report",
        f"Report on {report.organisation}'s Description of Its {report.system} and on the",
        "Suitability of the Design"
        + (" and Operating Effectiveness" if report.report_type == 2 else "")
        + " of Its Controls Relevant to",
        _criteria_words(report.criteria),
        period,
        f"Prepared by {report.auditor}",
    ]


def _opinion(report: SocReport) -> list[str]:
    effective = (
        f"the controls stated in the description operated effectively {report.when}"
        if report.report_type == 2
        else f"the controls stated in the description were suitably designed {report.when}"
    )
    if report.opinion == "adverse":
        return [
            "Basis for Adverse Opinion",
            "Our tests of operating effectiveness found the exceptions listed in Section 4. "
            "They are pervasive: logical access and change management controls did not operate "
            "as described for most of the period.",
            "Adverse Opinion",
            "In our opinion, because of the significance of the matters described in the Basis "
            "for Adverse Opinion paragraph, the controls stated in the description did not "
            f"operate effectively {report.when} to provide reasonable assurance that "
            f"{report.short_name}'s service commitments and system requirements were achieved.",
        ]
    if report.opinion == "qualified":
        return [
            "Basis for Qualified Opinion",
            "As described in Section 4, the control over removing access of people who leave "
            "did not operate effectively during the period.",
            "Qualified Opinion",
            "In our opinion, except for the effects of the matter described in the Basis for "
            f"Qualified Opinion paragraph, in all material respects, {effective}.",
        ]
    return [
        "Opinion",
        f"In our opinion, in all material respects, the description presents the {report.system} "
        f"that was designed and implemented {report.when}, and {effective}, if complementary "
        "user entity controls and complementary subservice organization controls operated "
        "effectively.",
    ]


def _auditor_report(report: SocReport) -> Page:
    return [
        "Section 1: Independent Service Auditor's Report",
        f"To the Board of Directors and Management of {report.organisation}:",
        "Scope",
        f"We have examined the accompanying description of {report.organisation}'s "
        f'{report.system} (the "description") {report.when}, and the suitability of the design'
        + (" and operating effectiveness" if report.report_type == 2 else "")
        + " of the controls stated in the description, based on the trust services criteria "
        f"relevant to {_criteria_words(report.criteria)} set forth in TSP section 100, 2017 Trust "
        "Services Criteria.",
        f'{report.short_name} uses {report.subservice} (the "subservice organization") to provide '
        "cloud infrastructure hosting. The description excludes the controls of the subservice "
        "organization (the carve-out method).",
        "Service Auditor's Responsibilities",
        "Our responsibility is to express an opinion on the description and on the controls, "
        "based on our examination, conducted in accordance with attestation standards "
        "established by the American Institute of Certified Public Accountants.",
        *_opinion(report),
        report.auditor,
        report.auditor_city,
        spoken(report.report_date),
    ]


def _assertion(report: SocReport) -> Page:
    return [
        f"Section 2: Assertion of {report.organisation} Management",
        f"We have prepared the description of {report.organisation}'s {report.system} "
        f"{report.when}. We confirm, to the best of our knowledge and belief, that the "
        "description presents the system fairly and that the controls were suitably designed"
        + (" and operated effectively." if report.report_type == 2 else "."),
        f"{report.organisation} Management",
    ]


def _description(report: SocReport) -> Page:
    return [
        f"Section 3: {report.organisation}'s Description of Its {report.system}",
        f"{report.organisation} provides the {report.system} to business customers.",
        "Subservice Organizations",
        f"{report.subservice} provides infrastructure hosting (carve-out method).",
        "Complementary User Entity Controls",
        *(f"- {cuec}" for cuec in report.cuecs),
    ]


_CONTROLS = (
    ("CC6.1", "Access to production systems requires multi-factor authentication."),
    ("CC6.2", "Access of people who leave is removed within one business day."),
    ("CC6.3", "Access rights are reviewed every quarter by system owners."),
    ("CC7.2", "Security events are monitored and alerts are triaged daily."),
    ("CC8.1", "Changes to production are approved and tested before release."),
    ("CC7.4", "Security incidents follow a documented response procedure."),
    ("CC9.2", "Vendors that handle customer data are assessed every year."),
    ("A1.2", "Backups are taken daily and restores are tested every quarter."),
    ("CC1.4", "Staff complete security awareness training when hired and every year."),
    ("CC3.2", "Risks are assessed every year and tracked to treatment."),
)


def _tests_of_controls(report: SocReport) -> Page:
    lines = ["Section 4: Trust Services Criteria, Related Controls, and Tests of Controls"]
    if report.report_type == 1:
        lines.append(
            "Tests of operating effectiveness are not part of a Type 1 examination; the service "
            "auditor inspected the design and implementation of each control."
        )
        for number, (criterion, control) in enumerate(_CONTROLS, start=1):
            lines.append(f"C-{number:02d} {criterion} {control}")
        return lines
    by_control = {finding.control: finding for finding in report.findings}
    lines.append("Control | Criteria | Test performed | Result")
    for number, (criterion, control) in enumerate(_CONTROLS, start=1):
        ref = f"C-{number:02d}"
        finding = by_control.get(ref)
        result = f"Exception noted. {finding.text}" if finding else "No exceptions noted."
        lines.append(f"{ref} | {criterion} | {control} Inspected a sample of records. | {result}")
    return lines


def soc_report_pages(report: SocReport) -> list[Page]:
    """Return the pages of a SOC 2 report."""
    return [
        _cover(report),
        _auditor_report(report),
        _assertion(report),
        _description(report),
        _tests_of_controls(report),
    ]


@dataclass(frozen=True)
class BridgeLetter:
    report: SocReport
    signer: str
    months_covered: int = 3
    letter_lag_days: int = 10

    @property
    def covered_until(self) -> date:
        return add_months(self.report.period_end, self.months_covered)

    @property
    def letter_date(self) -> date:
        return self.covered_until + timedelta(days=self.letter_lag_days)


def bridge_letter_pages(letter: BridgeLetter) -> list[Page]:
    """Return the one page of a management bridge letter."""
    report = letter.report
    bridge_start = report.period_end + timedelta(days=1)
    return [
        [
            report.organisation,
            spoken(letter.letter_date),
            f"To: Customers and Prospective Customers of {report.organisation}",
            f"Re: Bridge Letter for the SOC 2 Type 2 Report for the Period "
            f"{spoken(report.period_start)} to {spoken(report.period_end)}",
            f"{report.auditor} examined the {report.system}. The resulting SOC 2 Type 2 report "
            f"covered the period {spoken(report.period_start)} to {spoken(report.period_end)} "
            f'(the "report period") and was issued on {spoken(report.report_date)}.',
            f"This letter is provided to cover the period from {spoken(bridge_start)} through "
            f'{spoken(letter.covered_until)} (the "bridge period").',
            "Management confirms that, to the best of its knowledge, there have been no material "
            "changes to the system or its controls during the bridge period, and no security "
            "incidents that would affect the conclusions of the report.",
            "This letter is not a substitute for the report and has not been examined by an "
            "independent service auditor.",
            "Sincerely,",
            letter.signer,
            report.organisation,
        ]
    ]


@dataclass(frozen=True)
class IsoCertificate:
    organisation: str
    address: str
    body: str
    number: str
    issued: date
    scope: str
    first_certified: date = field(default=date(2021, 3, 12))

    @property
    def expires(self) -> date:
        return add_months(self.issued, 36) - timedelta(days=1)


def iso_certificate_pages(certificate: IsoCertificate) -> list[Page]:
    """Return the one page of an ISO/IEC 27001 certificate."""
    return [
        [
            certificate.body,
            "Certificate of Registration",
            "This is to certify that the Information Security Management System of",
            certificate.organisation,
            certificate.address,
            "has been assessed and found to conform to the requirements of",
            "ISO/IEC 27001:2022",
            f"Scope of certification: {certificate.scope}",
            f"Certificate number: {certificate.number}",
            f"Original certification date: {spoken(certificate.first_certified)}",
            f"Date of issue: {spoken(certificate.issued)}",
            f"Expiry date: {spoken(certificate.expires)}",
            "This certificate remains valid subject to satisfactory surveillance audits.",
        ]
    ]
