"""The delay a targeted account adds to each attempt grows, within a cap, and never refuses."""

from app.auth.domain.throttle import FREE_FAILURES, sign_in_delay


def test_no_delay_for_the_first_few_failures():
    assert [sign_in_delay(n) for n in range(FREE_FAILURES)] == [0.0] * FREE_FAILURES


def test_the_delay_doubles_every_few_failures_up_to_a_cap():
    delays = [sign_in_delay(n) for n in range(FREE_FAILURES, 200, FREE_FAILURES)]
    assert delays[:3] == [0.25, 0.5, 1.0]
    assert delays == sorted(delays)
    assert max(delays) == 3.0
