"""Wording linter for assurance questions: flags SOC / ISO mis-wording with a suggested rewording.

Domain rules (DESIGN.md §2): a SOC report is an attestation, never a certification; ISO/IEC
27001 is a certification; a SOC 3 carries no test details; a SOC 1 covers financial
reporting, not security; SSAE 16 and SAS 70 are superseded; a SOC 2 question usually needs
its type. Text is normalised first ("SOC2", "SOC-2", "SOC II", "Type II", "ISO/IEC
27001:2022" …) so the rules see one spelling. Rules favour precision: a correct question
must pass clean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from app.questionnaires.domain.data_path import DataPath, format_path
from app.questionnaires.domain.lint_ai import (
    AI_RULE_TEXTS,
    ai_act_certification,
    certified_safe_ai,
    iso42001_compliance,
    soc2_for_ai,
)
from app.questionnaires.domain.terms import TOKEN, normalise

if TYPE_CHECKING:  # linting one text (the command line) does not build the definition models
    from app.questionnaires.domain.definition import QuestionnaireDefinition


class Severity(StrEnum):
    """How bad a finding is; only errors fail a lint run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class TextScope(StrEnum):
    """What a text is: a question (all rules) or surrounding prose (terminology rules only)."""

    QUESTION = "question"
    PROSE = "prose"


@dataclass(frozen=True)
class Rule:
    """A wording rule: id, severity, what is wrong and how to word it instead."""

    id: str
    severity: Severity
    message: str
    suggestion: str


@dataclass(frozen=True)
class Finding:
    """One rule hit on one text."""

    rule: str
    severity: Severity
    message: str
    suggestion: str


@dataclass(frozen=True)
class LocatedFinding:
    """A finding on one field of a definition (`question_id` is None outside questions)."""

    path: DataPath
    question_id: str | None
    finding: Finding

    @property
    def path_text(self) -> str:
        """Return the data path as `sections[0].questions[3].text`."""
        return format_path(self.path)


RULES: Final[dict[str, Rule]] = {
    rule.id: rule
    for rule in (
        Rule(
            "soc-certification",
            Severity.ERROR,
            "A SOC report is an attestation report, not a certification: nobody is "
            "'SOC certified' or 'SOC accredited'.",
            "Ask 'Do you hold a current SOC {n} Type 2 report?' or "
            "'Have you completed a SOC {n} Type 2 audit?'",
        ),
        Rule(
            "soc3-tested-controls",
            Severity.WARNING,
            "A SOC 3 report is a general-use summary with no test details, so it cannot "
            "show which controls were tested or which exceptions were found.",
            "Ask for the SOC 2 Type 2 report, whose tests of controls list any exceptions.",
        ),
        Rule(
            "soc1-security",
            Severity.WARNING,
            "A SOC 1 report covers controls over financial reporting, not security.",
            "Ask for a SOC 2 Type 2 report for security; ask for a SOC 1 only where the "
            "service affects financial reporting.",
        ),
        Rule(
            "iso27001-compliance",
            Severity.WARNING,
            "ISO/IEC 27001 is a certification: 'compliant' is an unverifiable self-claim.",
            "Ask 'Is your organisation certified to ISO/IEC 27001?' and request the "
            "certificate with its scope and expiry date.",
        ),
        Rule(
            "superseded-standard",
            Severity.WARNING,
            "SSAE 16 and SAS 70 are superseded (SSAE 18 applies to reports dated from May 2017).",
            "Ask for a current SOC 1 report under SSAE 18 (or ISAE 3402) instead.",
        ),
        Rule(
            "ssae18-no-report",
            Severity.WARNING,
            "SSAE 18 is the attestation standard, not a report: it names neither SOC 1 nor "
            "SOC 2, nor a type.",
            "Ask for the report itself, e.g. 'Do you hold a current SOC 2 Type 2 report?'",
        ),
        Rule(
            "iso9001-not-security",
            Severity.WARNING,
            "ISO 9001 is a quality management standard, not a security one, and an organisation "
            "is certified to it, not 'compliant'.",
            "For security ask 'Is your organisation certified to ISO/IEC 27001?'; ask about "
            "ISO 9001 certification only where quality management matters.",
        ),
        Rule(
            "soc3-type",
            Severity.WARNING,
            "A SOC 3 report has no types: Type 1 and Type 2 belong to SOC 1 and SOC 2.",
            "Ask for a SOC 3 report, or for a SOC 2 Type 2 report when you need tested controls.",
        ),
        Rule(
            "soc2-compliance-no-type",
            Severity.WARNING,
            "'SOC 2 compliant' is understood, but it names no type: only a Type 2 report shows "
            "controls working over a period.",
            "Ask 'Do you hold a current SOC 2 Type 2 report?'",
        ),
        Rule(
            "double-barrelled",
            Severity.WARNING,
            "The question asks two things at once, so one answer cannot say which part it covers.",
            "Split it into one question per thing asked; put 'if so' parts in a follow-up "
            "question with show_if.",
        ),
        Rule(
            "soc2-missing-type",
            Severity.INFO,
            "SOC 2 without a type: a Type 1 report covers control design at one date only, "
            "a Type 2 tests how controls operated over a period.",
            "Name the type, e.g. 'Do you hold a current SOC 2 Type 2 report?'",
        ),
        *(
            Rule(rule_id, Severity(severity), message, suggestion)
            for rule_id, severity, message, suggestion in AI_RULE_TEXTS
        ),
    )
}

PROSE_RULES: Final = frozenset(
    {"soc-certification", "iso27001-compliance", "superseded-standard", "soc3-type"}
    | {rule_id for rule_id, *_ in AI_RULE_TEXTS}
)
"""Rules that also apply to help text, choice labels and titles."""

_SUPPRESSED_BY: Final = {
    "soc2-missing-type": frozenset({"soc-certification", "soc2-for-ai", "soc2-compliance-no-type"}),
    "soc2-compliance-no-type": frozenset({"soc-certification"}),
}


@dataclass(frozen=True)
class _Text:
    """A normalised text and its tokens, as every rule reads it."""

    normalised: str
    tokens: tuple[str, ...]
    question_marks: int

    def has(self, *markers: str) -> bool:
        """Tell whether any of these tokens occurs."""
        return any(marker in self.tokens for marker in markers)

    def search(self, pattern: re.Pattern[str]) -> bool:
        """Tell whether a pattern matches the normalised text."""
        return pattern.search(self.normalised) is not None


_SOC_MARKS: Final = frozenset({"soc1", "soc2", "soc3", "socx"})
_FRAMEWORK_MARKS: Final = _SOC_MARKS | {
    *("iso27001", "iso9001", "iso42001", "aiact", "ssae16", "ssae18", "sas70"),
}
_CHAIN_FILLER: Final = frozenset(
    {"and", "or", "/", ",", "&", "-", "+", "(", ")", "type1", "type2", "both", "either"}
)
_LINK_WORDS: Final = frozenset({"to", "against", "for", "under", "with", "in", "of", "on"})
_DETERMINERS: Final = frozenset({"a", "an", "the", "your", "our", "their", "its"})
_BRIDGE_WORDS: Final = frozenset({"audit", "compliance", "attestation"})
_CERTIFICATION_WORDS: Final = frozenset(
    {"certified", "certification", "certifications", "certificate", "certificates", "cert"}
    | {"certs"}
    | {"certify", "certifies", "certificated", "accredited", "accreditation"}
)
_COMPLIANCE_WORDS: Final = frozenset(
    {"compliant", "compliance", "comply", "complies", "complying", "accredited", "accreditation"}
)


def _chain(tokens: tuple[str, ...], start: int, step: int) -> set[str]:
    found: set[str] = set()
    index = start
    while 0 <= index < len(tokens) and (
        tokens[index] in _FRAMEWORK_MARKS or tokens[index] in _CHAIN_FILLER
    ):
        if tokens[index] in _FRAMEWORK_MARKS:
            found.add(tokens[index])
        index += step
    return found


def _attached_frameworks(tokens: tuple[str, ...], index: int) -> set[str]:
    """Return frameworks that a word at `index` qualifies: `SOC 2 and ISO certified`, `… to ISO`."""
    before = index - 1
    if before >= 0 and tokens[before] in _BRIDGE_WORDS:
        before -= 1
    found = _chain(tokens, before, -1)
    after = index + 1
    if after < len(tokens) and tokens[after] in _LINK_WORDS:
        after += 1
    while after < len(tokens) and tokens[after] in _DETERMINERS:
        after += 1
    if after < len(tokens) and tokens[after] in _FRAMEWORK_MARKS:
        found |= _chain(tokens, after, 1)
    return found


def _qualified_frameworks(text: _Text, words: frozenset[str]) -> set[str]:
    found: set[str] = set()
    for index, token in enumerate(text.tokens):
        if token not in words:
            continue
        following = text.tokens[index + 1] if index + 1 < len(text.tokens) else ""
        if (token, following) == ("certified", "public"):
            continue  # "certified public accountant" names the auditor, not the report
        found |= _attached_frameworks(text.tokens, index)
    return found


def _soc_certification(text: _Text) -> dict[str, str] | None:
    socs = _qualified_frameworks(text, _CERTIFICATION_WORDS) & _SOC_MARKS
    if not socs:
        return None
    number = min(socs)[-1]
    return {"n": "2" if number == "x" else number}


def _iso_compliance(text: _Text) -> dict[str, str] | None:
    return {} if "iso27001" in _qualified_frameworks(text, _COMPLIANCE_WORDS) else None


_TEST_WORDS = re.compile(
    r"\b(?:tests?|tested|testing|exceptions?|deviations?|samples?|sampled|sampling)\b"
)
_SOC3_NEGATED = re.compile(
    r"\b(?:not|never|rather than|instead of|other than)\s+(?:a |an |the |your |just |only )?soc3\b"
    r"|\bsoc3\b(?: reports?)?\s+(?:is|are|does|do|will|would|can)(?:n't| not|not)\b"
)


def _soc3_tested(text: _Text) -> dict[str, str] | None:
    if not text.has("soc3") or not text.search(_TEST_WORDS) or text.search(_SOC3_NEGATED):
        return None
    return {}


_SECURITY_WORDS = re.compile(
    r"\b(?:security|secure|cyber\w*|infosec|encrypt\w*|vulnerabilit\w*|penetration|malware"
    r"|firewalls?|intrusion|data protection|privacy|confidentiality|availability"
    r"|trust services|incident response|breach\w*)\b"
)
_FINANCIAL_WORDS = re.compile(
    r"\b(?:financial|finance|icfr|sox|sarbanes|transactions?|ledger|payroll|billing|invoic\w*"
    r"|revenue|accounting|itgcs?|it general controls|control objectives)\b"
)


def _soc1_security(text: _Text) -> dict[str, str] | None:
    if not text.has("soc1") or text.has("soc2", "soc3"):
        return None
    if text.search(_SECURITY_WORDS) and not text.search(_FINANCIAL_WORDS):
        return {}
    return None


_SUPERSEDED_EXPLAINED = re.compile(r"\b(?:superseded|replaced|no longer|obsolete|retired)\b")


def _superseded(text: _Text) -> dict[str, str] | None:
    if text.has("ssae16", "sas70") and not text.search(_SUPERSEDED_EXPLAINED):
        return {}
    return None


_AUXILIARIES: Final = frozenset(
    {"do", "does", "did", "is", "are", "was", "were", "have", "has", "had"}
    | {"will", "would", "can", "could", "should", "shall", "may", "must"}
)
_AUX = "(?:" + "|".join(sorted(_AUXILIARIES)) + ")"
_WH_WORDS: Final = frozenset({"what", "when", "where", "who", "which", "how", "why"})
# "or" joins alternatives of one question ("used by you alone, or are some shared?"): not two
_SECOND_CLAUSE_WITH_SUBJECT = re.compile(
    rf"\b(?:and|but)\s*,?\s+{_AUX}\s+(?:you|your|they|it|we|there|the|all|any|this|these|those)\b"
)
_SECOND_CLAUSE = re.compile(
    rf"\b(?:and|but)\s*,?\s+{_AUX}\s+"
    r"(?!(?:not|also|always|only|never|in|at|on|to|be|being|been|able|subject)\b)[a-z]"
)
_FOLLOW_UP = re.compile(r"\bif\s*(?:so|yes|not|no)\b")
_SECOND_WH = re.compile(r"\b(?:and|or)\s*,?\s+(what|when|where|who|which|how|why)\b")
_CONDITION_WH: Final = frozenset({"when", "where"})
_FAMILY = {"ssae16": "soc1", "sas70": "soc1"}


def _double_barrelled(text: _Text) -> dict[str, str] | None:
    first = text.tokens[0] if text.tokens else ""
    asks = first in _AUXILIARIES or first in _WH_WORDS
    follow_up = _FOLLOW_UP.search(text.normalised)
    # a text that starts "If so, ..." is itself the conditional follow-up: one question
    if text.question_marks >= 2 or (follow_up is not None and follow_up.start() > 0):
        return {}
    if text.search(_SECOND_CLAUSE_WITH_SUBJECT):
        return {}
    if asks and (text.search(_SECOND_CLAUSE) or _second_question_word(text, first)):
        return {}
    if first in _AUXILIARIES and _joins_two_frameworks(text.tokens):
        return {}
    return None


def _second_question_word(text: _Text, first: str) -> bool:
    """Tell whether "and what/how ..." opens a second question.

    Not when a question word came earlier in the sentence ("identify what data is processed
    and where it is stored" lists two things to document), nor "and when ..." / "or where ..."
    in a yes/no question, which states a condition ("at least annually and when changes occur").
    """
    for match in _SECOND_WH.finditer(text.normalised):
        before = TOKEN.findall(text.normalised[: match.start()])[1:]
        if any(token in _WH_WORDS for token in before):
            continue
        if first in _AUXILIARIES and match.group(1) in _CONDITION_WH:
            continue
        return True
    return False


def _joins_two_frameworks(tokens: tuple[str, ...]) -> bool:
    """Tell whether `and` joins mentions of two different frameworks (SOC 2 and ISO 27001)."""
    previous: tuple[int, str] | None = None
    for index, token in enumerate(tokens):
        if token not in _FRAMEWORK_MARKS:
            continue
        family = _FAMILY.get(token, token)
        if previous is not None and previous[1] != family:
            between = tokens[previous[0] + 1 : index]
            if "and" in between and "or" not in between:
                return True
        previous = (index, family)
    return False


_POSSESSION = re.compile(
    r"\b(?:have|has|hold|holds|held|maintain\w*|obtain\w*|complet\w*|undergo\w*|underwent"
    r"|achiev\w*|compliant|compliance|current|valid|pass|passed)\b"
)
_CONTENT_QUESTION_STARTS: Final = _WH_WORDS | {"list", "describe", "explain", "name", "upload"}


def _soc2_missing_type(text: _Text) -> dict[str, str] | None:
    if not text.has("soc2") or text.has("type", "type1", "type2"):
        return None
    if text.tokens[0] in _CONTENT_QUESTION_STARTS or not text.search(_POSSESSION):
        return None
    return {}


def _ssae18_no_report(text: _Text) -> dict[str, str] | None:
    return {} if text.has("ssae18") and not text.has(*_SOC_MARKS - {"socx"}) else None


def _iso9001(text: _Text) -> dict[str, str] | None:
    return {} if text.has("iso9001") else None


def _soc3_type(text: _Text) -> dict[str, str] | None:
    words = text.tokens
    for index, word in enumerate(words):
        following = words[index + 1 : index + 3]
        if word == "soc3" and ("type1" in following or "type2" in following):
            return {}
    return None


def _soc2_compliance(text: _Text) -> dict[str, str] | None:
    if not text.has("soc2") or text.has("type", "type1", "type2"):
        return None
    return {} if "soc2" in _qualified_frameworks(text, _COMPLIANCE_WORDS) else None


_CHECKS: Final[dict[str, Callable[[_Text], dict[str, str] | None]]] = {
    "soc-certification": _soc_certification,
    "soc3-tested-controls": _soc3_tested,
    "soc1-security": _soc1_security,
    "iso27001-compliance": _iso_compliance,
    "superseded-standard": _superseded,
    "ssae18-no-report": _ssae18_no_report,
    "iso9001-not-security": _iso9001,
    "soc3-type": _soc3_type,
    "soc2-compliance-no-type": _soc2_compliance,
    "double-barrelled": _double_barrelled,
    "soc2-missing-type": _soc2_missing_type,
    "ai-act-certification": lambda text: {} if ai_act_certification(text.tokens) else None,
    "iso42001-compliance": lambda text: {} if iso42001_compliance(text.tokens) else None,
    "soc2-for-ai": lambda text: {} if soc2_for_ai(text.tokens) else None,
    "certified-safe-ai": lambda text: {} if certified_safe_ai(text.normalised) else None,
}


def lint_text(text: str, *, scope: TextScope = TextScope.QUESTION) -> list[Finding]:
    """Return the wording findings for one question (or, with PROSE, one help text or label)."""
    normalised = normalise(text)
    prepared = _Text(normalised, tuple(TOKEN.findall(normalised)), text.count("?"))
    if not prepared.tokens:
        return []
    hits: dict[str, dict[str, str]] = {}
    for rule_id, check in _CHECKS.items():
        if scope is TextScope.PROSE and rule_id not in PROSE_RULES:
            continue
        values = check(prepared)
        if values is not None:
            hits[rule_id] = values
    return [
        _finding(RULES[rule_id], values)
        for rule_id, values in hits.items()
        if not _SUPPRESSED_BY.get(rule_id, frozenset()) & hits.keys()
    ]


def _finding(rule: Rule, values: dict[str, str]) -> Finding:
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        message=rule.message,
        suggestion=rule.suggestion.format(**values) if values else rule.suggestion,
    )


def lint_definition(definition: QuestionnaireDefinition) -> list[LocatedFinding]:
    """Lint every question, help text, choice label and title of a definition."""
    located: list[LocatedFinding] = []
    for path, question_id, text, scope in _texts(definition):
        located.extend(
            LocatedFinding(path, question_id, finding) for finding in lint_text(text, scope=scope)
        )
    return located


def _texts(
    definition: QuestionnaireDefinition,
) -> Iterator[tuple[DataPath, str | None, str, TextScope]]:
    yield ("title",), None, definition.title, TextScope.PROSE
    yield ("description",), None, definition.description, TextScope.PROSE
    for s_index, section in enumerate(definition.sections):
        section_path: DataPath = ("sections", s_index)
        yield (*section_path, "title"), None, section.title, TextScope.PROSE
        if section.help:
            yield (*section_path, "help"), None, section.help, TextScope.PROSE
        for q_index, question in enumerate(section.questions):
            path: DataPath = (*section_path, "questions", q_index)
            yield (*path, "text"), question.id, question.text, TextScope.QUESTION
            if question.help:
                yield (*path, "help"), question.id, question.help, TextScope.PROSE
            for c_index, choice in enumerate(question.choices or ()):
                label_path: DataPath = (*path, "choices", c_index, "label")
                yield label_path, question.id, choice.label, TextScope.PROSE


def has_errors(findings: list[Finding] | list[LocatedFinding]) -> bool:
    """Tell whether any finding is an error (which fails a lint run)."""
    return any(
        (item.finding if isinstance(item, LocatedFinding) else item).severity is Severity.ERROR
        for item in findings
    )
