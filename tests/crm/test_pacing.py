"""The pacer on a fake clock: `limit` requests pass at once, the next waits for the oldest to be `per` old."""
import pytest

from connector.crm.pacing import Pacer


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_the_request_after_the_limit_waits_until_the_oldest_finished_a_period_ago():
    time = FakeTime()
    pacer = Pacer(limit=5, per=1.0, clock=time.clock, sleep=time.sleep)
    for _ in range(5):
        with pacer.slot():
            time.now += 0.01  # each request takes 10 ms
    assert time.slept == []
    with pacer.slot():
        pass
    # The first request finished at 100.01; the sixth may start at 101.01, 0.96 s after the fifth finished.
    assert time.slept == [0.96] and time.now == pytest.approx(101.01)
    assert pacer.waited == pytest.approx(0.96)


def test_a_failed_request_still_counts_against_the_window():
    time = FakeTime()
    pacer = Pacer(limit=1, per=1.0, clock=time.clock, sleep=time.sleep)
    with pytest.raises(RuntimeError):
        with pacer.slot():
            raise RuntimeError("429")
    with pacer.slot():
        pass
    assert time.slept == [1.0]


def test_a_pacer_needs_a_positive_limit_and_period():
    with pytest.raises(ValueError):
        Pacer(limit=0)
    with pytest.raises(ValueError):
        Pacer(limit=5, per=0)
