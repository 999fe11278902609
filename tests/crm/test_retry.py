import pytest

from connector.crm.errors import AuthRevoked, CrmUnavailable, RateLimited
from connector.crm.retry import RetryPolicy, call_with_retries


class Script:
    """A call that fails with the given errors in turn, then returns "ok"."""

    def __init__(self, *failures):
        self.failures = list(failures)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def test_waits_out_rate_limits_for_their_retry_after():
    waits = []
    call = Script(RateLimited("slow down", 2.5), RateLimited("slow down", 0.5))
    assert call_with_retries(call, RetryPolicy(), sleep=waits.append) == "ok"
    assert waits == [2.5, 0.5]


def test_backs_off_exponentially_on_outages_up_to_the_cap():
    waits = []
    call = Script(*[CrmUnavailable("502")] * 4)
    policy = RetryPolicy(attempts=5, base=1, cap=3)
    assert call_with_retries(call, policy, sleep=waits.append) == "ok"
    assert waits == [1, 2, 3, 3]


def test_gives_up_after_the_bounded_attempts():
    call = Script(*[CrmUnavailable("503")] * 10)
    with pytest.raises(CrmUnavailable):
        call_with_retries(call, RetryPolicy(attempts=3), sleep=lambda s: None)
    assert call.calls == 3


def test_a_rate_limit_storm_is_bounded_too():
    call = Script(*[RateLimited("429", 0.1)] * 10)
    with pytest.raises(RateLimited):
        call_with_retries(call, RetryPolicy(rate_limit_attempts=4), sleep=lambda s: None)
    assert call.calls == 4


def test_a_daily_limit_is_raised_at_once_instead_of_sleeping_for_hours():
    waits = []
    call = Script(RateLimited("daily", 3600, "DAILY"))
    with pytest.raises(RateLimited):
        call_with_retries(call, RetryPolicy(max_wait=60), sleep=waits.append)
    assert waits == [] and call.calls == 1


def test_other_errors_are_not_retried():
    call = Script(AuthRevoked("gone"))
    with pytest.raises(AuthRevoked):
        call_with_retries(call, RetryPolicy(), sleep=lambda s: None)
    assert call.calls == 1


def test_a_policy_without_attempts_is_refused():
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)


def test_by_default_a_storm_of_any_length_is_waited_out_and_costs_no_outage_attempt():
    call = Script(*[RateLimited("429", 1.0)] * 200, CrmUnavailable("502"), CrmUnavailable("502"))
    waits = []
    assert call_with_retries(call, RetryPolicy(attempts=3, base=0), sleep=waits.append) == "ok"
    assert waits.count(1.0) == 200


def test_after_an_outage_a_create_is_looked_up_before_it_is_sent_again():
    call = Script(CrmUnavailable("502 after the write"))
    lookups = []

    def recover():
        lookups.append(1)
        return "task-1"

    assert call_with_retries(call, RetryPolicy(base=0), sleep=lambda s: None, recover=recover) == "task-1"
    assert (call.calls, len(lookups)) == (1, 1)


def test_a_rate_limited_create_is_resent_without_a_lookup():
    call = Script(RateLimited("429", 0.1))
    assert call_with_retries(call, RetryPolicy(), sleep=lambda s: None,
                             recover=lambda: pytest.fail("a refused request needs no lookup")) == "ok"
