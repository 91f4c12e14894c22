"""Generate a synthetic SOC 2 Type 2 report (reportlab) with a full Section 4 control table.

Every organisation and firm here is fictitious. The report covers the security category
(common criteria CC1.1 to CC9.2), each criterion with one tested control; `exceptions` turns
the result of a criterion's control into a deviation.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

# The common criteria, each with the gist of what it asks (paraphrased).
COMMON_CRITERIA: dict[str, str] = {
    "CC1.1": "The entity demonstrates a commitment to integrity and ethical values.",
    "CC1.2": "The board of directors exercises oversight of internal control.",
    "CC1.3": "Management establishes structures, reporting lines and responsibilities.",
    "CC1.4": "The entity attracts, develops and retains competent individuals.",
    "CC1.5": "The entity holds individuals accountable for their control duties.",
    "CC2.1": "The entity uses relevant, quality information to support internal control.",
    "CC2.2": "The entity communicates control objectives and responsibilities internally.",
    "CC2.3": "The entity communicates with external parties about matters of control.",
    "CC3.1": "The entity specifies objectives clearly enough to identify risks.",
    "CC3.2": "The entity identifies and analyses risks to the achievement of objectives.",
    "CC3.3": "The entity considers the potential for fraud in assessing risks.",
    "CC3.4": "The entity identifies changes that could significantly affect control.",
    "CC4.1": "The entity performs ongoing and separate evaluations of its controls.",
    "CC4.2": "The entity communicates deficiencies in internal control in a timely way.",
    "CC5.1": "The entity selects control activities that mitigate risks.",
    "CC5.2": "The entity selects general control activities over technology.",
    "CC5.3": "The entity deploys control activities through policies and procedures.",
    "CC6.1": "The entity implements logical access security over protected information assets.",
    "CC6.2": "The entity registers and authorises new users before issuing credentials.",
    "CC6.3": "The entity authorises, modifies or removes access based on roles and least privilege.",
    "CC6.4": "The entity restricts physical access to facilities and protected assets.",
    "CC6.5": "The entity discontinues protections only after data is unreadable.",
    "CC6.6": "The entity protects against threats from sources outside its boundaries.",
    "CC6.7": "The entity restricts the transmission and movement of information.",
    "CC6.8": "The entity prevents or detects unauthorised or malicious software.",
    "CC7.1": "The entity detects configuration changes and newly discovered vulnerabilities.",
    "CC7.2": "The entity monitors system components for anomalies indicating malicious acts.",
    "CC7.3": "The entity evaluates security events to determine whether they are incidents.",
    "CC7.4": "The entity responds to identified security incidents with a defined programme.",
    "CC7.5": "The entity identifies, develops and implements activities to recover from incidents.",
    "CC8.1": "The entity authorises, designs, tests, approves and implements changes.",
    "CC9.1": "The entity mitigates risks arising from potential business disruptions.",
    "CC9.2": "The entity assesses and manages risks associated with vendors and partners.",
}


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def build_soc2_type2(
    organization: str,
    *,
    period_end: date,
    auditor: str = "Brightwater Assurance LLP",
    exceptions: Mapping[str, str] | None = None,
    description: Sequence[str] = (),
    other_information: Sequence[str] = (),
) -> bytes:
    """Return the PDF of a 12-month, unqualified SOC 2 Type 2 report on security.

    `description` lines make a Section 3 and `other_information` lines a Section 5, one
    paragraph each.
    """
    start = period_end - timedelta(days=364)
    period = f"{_long(start)} to {_long(period_end)}"
    issued = period_end + timedelta(days=30)
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    short = organization.split(",")[0].split(" ")[0]
    story: list[object] = [
        Paragraph(organization, styles["Title"]),
        Paragraph("System and Organization Controls (SOC) 2 Type 2 Report", heading),
        Paragraph(
            f"Report on {organization}'s Description of Its Ledger Platform and on the "
            "Suitability of the Design and Operating Effectiveness of Its Controls Relevant to "
            "Security",
            body,
        ),
        Paragraph(f"Throughout the Period {period}", body),
        Paragraph(f"Prepared by {auditor}", body),
        PageBreak(),
        Paragraph("Section 1: Independent Service Auditor's Report", heading),
        Paragraph(f"To the Board of Directors and Management of {organization}:", body),
        Paragraph("Scope", heading),
        Paragraph(
            f"We have examined the accompanying description of {organization}'s Ledger Platform "
            f'(the "description") throughout the period {period}, and the suitability of the '
            "design and operating effectiveness of the controls stated in the description "
            f"throughout the period {period}, to provide reasonable assurance that {short}'s "
            "service commitments and system requirements would be achieved based on the trust "
            'services criteria relevant to Security (the "applicable trust services criteria") '
            "set forth in TSP section 100, 2017 Trust Services Criteria for Security, "
            "Availability, Processing Integrity, Confidentiality, and Privacy.",
            body,
        ),
        Paragraph("Description of Tests of Controls", heading),
        Paragraph(
            "The specific controls we tested and the nature, timing, and results of those tests "
            "are presented in Section 4 of this report.",
            body,
        ),
        Paragraph("Opinion", heading),
        Paragraph(
            f"In our opinion, in all material respects, (a) the description presents {short}'s "
            f"Ledger Platform that was designed and implemented throughout the period {period} "
            "in accordance with the description criteria; (b) the controls stated in the "
            f"description were suitably designed throughout the period {period}; and (c) the "
            f"controls stated in the description operated effectively throughout the period "
            f"{period} to provide reasonable assurance that {short}'s service commitments and "
            "system requirements were achieved based on the applicable trust services criteria.",
            body,
        ),
        Paragraph(auditor, body),
        Paragraph(_long(issued), body),
        PageBreak(),
        Paragraph(f"Section 2: Assertion of {organization} Management", heading),
        Paragraph(
            f"We have prepared the accompanying description of {organization}'s Ledger Platform "
            f"throughout the period {period}. The controls stated in the description operated "
            f"effectively throughout the period {period}.",
            body,
        ),
        PageBreak(),
        *_section(f"Section 3: {organization}'s Description of Its Ledger Platform", description),
        Paragraph(
            "Section 4: Trust Services Criteria, Related Controls, and Tests of Controls", heading
        ),
        Paragraph(
            "This section presents the applicable trust services criteria, the controls designed "
            f"to meet them, the tests performed by {auditor} and the results of those tests.",
            body,
        ),
        Paragraph("Security (Common Criteria)", heading),
    ]
    failing = exceptions or {}
    for number, (criterion, gist) in enumerate(COMMON_CRITERIA.items(), start=1):
        result = failing.get(criterion)
        story += [
            Paragraph(f"{criterion}: {gist}", body),
            Paragraph(f"{criterion}.1", body),
            Paragraph(f"Control activity {number} is performed and reviewed by management.", body),
            Paragraph(
                "Inspected records for a sample of items to determine that the control "
                "operated as described.",
                body,
            ),
            Paragraph(f"Exception noted. {result}" if result else "No exceptions noted.", body),
            Spacer(1, 6),
        ]
    if other_information:
        story += [PageBreak(), *_section("Section 5: Other Information", other_information)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1).build(story)
    return buffer.getvalue()


def _section(title: str, lines: Sequence[str]) -> list[object]:
    if not lines:
        return []
    styles = getSampleStyleSheet()
    return [
        Paragraph(title, styles["Heading2"]),
        *(Paragraph(line, styles["BodyText"]) for line in lines),
        PageBreak(),
    ]
