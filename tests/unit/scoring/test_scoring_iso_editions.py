"""ISO certificates by standard and edition: what counts as a 27001 certificate."""

from __future__ import annotations

from datetime import date

from scoring_builders import POLICY, certificate, codes, factor, report, score

_GENEROUS = POLICY.model_copy(update={"iso27001": POLICY.iso27001.model_copy(update={"points": 5})})


def test_27001_2013_certificate_is_not_valid_after_the_transition_ended():
    old = certificate(standard="ISO/IEC 27001:2013", certificate_expiry="2026-06-30")
    result = score(report(), old, as_of=date(2025, 12, 1), policy=_GENEROUS)
    assert "ISO27001_2013_WITHDRAWN" in codes(result.flags)
    assert factor(result, "F7").points == 0


def test_27001_2013_certificate_still_counts_before_the_transition_ended():
    old = certificate(standard="ISO/IEC 27001:2013", certificate_expiry="2026-06-30")
    result = score(report(), old, as_of=date(2025, 6, 1), policy=_GENEROUS)
    assert factor(result, "F7").points == 5


def test_27017_supplement_does_not_stand_in_for_27001():
    supplement = certificate(standard="ISO/IEC 27017:2015")
    result = score(report(), supplement, as_of=date(2025, 6, 1), policy=_GENEROUS)
    assert factor(result, "F7").points == 0
    assert "ISO27017_CERTIFIED" in codes(result.flags)


def test_9001_is_not_a_security_certificate():
    quality = certificate(standard="ISO 9001:2015")
    result = score(report(), quality, as_of=date(2025, 6, 1), policy=_GENEROUS)
    assert factor(result, "F7").points == 0
    assert "ISO9001_NOT_SECURITY" in codes(result.flags)


def test_current_27001_2022_certificate_earns_the_points():
    current = certificate(standard="ISO/IEC 27001:2022")
    result = score(report(), current, as_of=date(2025, 12, 1), policy=_GENEROUS)
    assert factor(result, "F7").points == 5
