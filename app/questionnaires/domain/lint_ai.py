"""AI wording traps: certificates, compliance claims and reports that do not exist for AI.

No certificate shows that an organisation meets the EU AI Act: its obligations follow the
organisation's role (provider, deployer, importer, distributor) and the risk category of the
use. ISO/IEC 42001 (AI management system) is a certification, so "compliant" is an
unverifiable self-claim. There is no "SOC 2 for AI": a SOC 2 report covers what its system
description names. No recognised certificate says an AI system is "safe" or "ethical".

Checks read the tokens of a text normalised by `terms.normalise` (`aiact`, `iso42001`, `ai`).
"""

from __future__ import annotations

import re
from typing import Final

AI_RULE_TEXTS: Final = (
    (
        "ai-act-certification",
        "error",
        "No certificate or 'compliant' status exists under the EU AI Act: its obligations "
        "depend on the organisation's role (provider, deployer, importer, distributor) and "
        "on the risk category of the use.",
        "Ask 'What is your role under the EU AI Act for the AI features you provide to us?', "
        "then 'Which obligations of the EU AI Act apply to that role?' in a follow-up.",
    ),
    (
        "iso42001-compliance",
        "warning",
        "ISO/IEC 42001 is a certification of an AI management system: 'compliant' is an "
        "unverifiable self-claim.",
        "Ask 'Do you hold a current ISO/IEC 42001 certificate issued by an accredited "
        "certification body?' and request the certificate with its scope and expiry date.",
    ),
    (
        "soc2-for-ai",
        "error",
        "There is no SOC 2 report for AI: a SOC 2 report covers the system its system "
        "description names, and AI features only when that description includes them.",
        "Ask 'Does the system description of your current SOC 2 Type 2 report include the "
        "AI features?'",
    ),
    (
        "certified-safe-ai",
        "warning",
        "No recognised certificate says an AI system is safe, ethical or responsible; "
        "the claim cannot be checked.",
        "Ask how the AI features are evaluated and red-teamed before release, and ask "
        "separately 'Do you hold a current ISO/IEC 42001 certificate?'",
    ),
)
"""(rule id, severity, message, suggestion) of each AI rule; `lint` turns them into rules."""

_CERTIFICATION: Final = frozenset(
    {"certified", "certification", "certifications", "certificate", "certificates"}
    | {"certify", "certifies", "accredited", "accreditation"}
)
_COMPLIANCE: Final = frozenset(
    {"compliant", "compliance", "comply", "complies", "complying", "conformant"}
    | {"accredited", "accreditation"}
)
_LINKS: Final = frozenset({"to", "with", "under", "against", "for", "by", "of"})
_DETERMINERS: Final = frozenset({"the", "a", "an", "your", "our"})
_NEGATIONS: Final = frozenset({"no", "not", "never", "nor", "cannot", "isn't", "aren't"})
_OBLIGATIONS: Final = frozenset(
    {"obligation", "obligations", "requirement", "requirements", "duties", "article", "articles"}
)
"""After 'AI Act' these ask about the obligations that apply, which is the right question."""


def _before(tokens: tuple[str, ...], index: int) -> int:
    """Return the index of the claim word before a mark: 'certified to the EU AI Act'."""
    index -= 1
    while index >= 0 and tokens[index] in _DETERMINERS:
        index -= 1
    if index >= 0 and tokens[index] in _LINKS:
        index -= 1
    return index


def _negated(tokens: tuple[str, ...], index: int) -> bool:
    return any(token in _NEGATIONS for token in tokens[max(0, index - 3) : index])


def _claims(tokens: tuple[str, ...], mark: str, words: frozenset[str]) -> bool:
    """Tell whether a claim word qualifies `mark`: 'AI Act certified', 'compliant with ISO …'."""
    for index, token in enumerate(tokens):
        if token != mark:
            continue
        following = tokens[index + 1 : index + 3]
        if following and following[0] in _OBLIGATIONS:
            continue
        qualifies = bool(following) and following[0] in words
        about_obligations = len(following) == 2 and following[1] in _OBLIGATIONS
        if qualifies and not about_obligations and not _negated(tokens, index):
            return True
        word = _before(tokens, index)
        if word >= 0 and tokens[word] in words and not _negated(tokens, word):
            return True
    return False


def ai_act_certification(tokens: tuple[str, ...]) -> bool:
    """'AI Act certified', 'EU AI Act compliant', 'certified under the AI Act'."""
    return _claims(tokens, "aiact", _CERTIFICATION | _COMPLIANCE)


def iso42001_compliance(tokens: tuple[str, ...]) -> bool:
    """'ISO 42001 compliant', 'comply with ISO/IEC 42001' (certified is the right word)."""
    return _claims(tokens, "iso42001", _COMPLIANCE)


_SOC_MARKS: Final = frozenset({"soc2", "socx"})
_REPORT_WORDS: Final = frozenset(
    {"report", "reports", "audit", "audits", "attestation", "examination", "type1", "type2"}
)
_AI_NOUNS: Final = frozenset(
    {"feature", "features", "system", "systems", "service", "services", "product", "products"}
    | {"functionality", "components", "component", "models", "model", "workloads"}
)


def soc2_for_ai(tokens: tuple[str, ...]) -> bool:
    """'SOC 2 for AI', 'AI SOC 2', 'AI-specific SOC 2 report', 'SOC 2 AI report'."""
    for index, token in enumerate(tokens):
        if token not in _SOC_MARKS:
            continue
        before = tokens[max(0, index - 3) : index]
        if before and (before[-1] == "ai" or tuple(before[-3:]) == ("ai", "-", "specific")):
            return True
        after = index + 1
        while after < len(tokens) and tokens[after] in _REPORT_WORDS:
            after += 1
        if after < len(tokens) and tokens[after] == "ai":
            return True
        for_ai = tokens[after : after + 2] == ("for", "ai")
        if for_ai and (after + 2 >= len(tokens) or tokens[after + 2] not in _AI_NOUNS):
            return True
    return False


_VALUE_WORDS = r"(?:safe|safety|ethical|ethics|responsible|trustworthy|trusted|unbiased|fair)"
_CERT_WORDS = r"(?:certified|certification|certificate|certify|accredited|accreditation)"
_SAFE_AI = re.compile(
    rf"\b{_CERT_WORDS}\s+(?:as\s+)?(?:an?\s+|the\s+)?{_VALUE_WORDS}(?:\s+and\s+{_VALUE_WORDS})?"
    rf"(?:\s+ai\b|\s+(?:model|system)s?\b|$|\s*[?.!,])"
    rf"|\b{_VALUE_WORDS}(?:\s+and\s+{_VALUE_WORDS})?\s+ai\s+{_CERT_WORDS}"
    rf"|\bai\s+(?:safety|ethics)\s+{_CERT_WORDS}"
    rf"|\b(?:ai|models?|systems?)\s+(?:is|are)\s+{_CERT_WORDS}\s+(?:as\s+)?{_VALUE_WORDS}\b"
)
_MENTIONS_AI = re.compile(r"\b(?:ai|llms?|machine learning|models?)\b")


def certified_safe_ai(normalised: str) -> bool:
    """'certified safe AI', 'ethical AI certification', 'AI safety certificate'."""
    return _MENTIONS_AI.search(normalised) is not None and _SAFE_AI.search(normalised) is not None
