"""Client-side pacing for a per-second limit that a CRM enforces only by refusing (HubSpot search: 5 a
second, 429s without rate-limit headers). Waiting for the 429s would work, but each one is an error
against the app's record (HubSpot's Marketplace wants fewer than 5% errors) and costs a full Retry-After.

A `Pacer` keeps the completion times of its last `limit` requests and holds the next one until the oldest
is `per` seconds old. Completion rather than start: a request sent one second after an earlier one
*finished* reaches the server more than a second after the earlier one *arrived*, whatever the network
does in between, so the server's rolling window can never see `limit + 1` requests.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator


class Pacer:
    def __init__(self, limit: int, per: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if limit < 1 or per <= 0:
            raise ValueError("a pacer needs a positive limit and period")
        self.limit = limit
        self.per = per
        self._clock = clock
        self._sleep = sleep
        self._finished: deque[float] = deque(maxlen=limit)
        self._lock = threading.Lock()  # one client may be shared by threads; they queue here
        self.waited = 0.0  # seconds spent held back, for benches and tests

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold the caller until a request fits in the window; the request runs inside the block."""
        with self._lock:
            if len(self._finished) == self.limit:
                wait = self._finished[0] + self.per - self._clock()
                if wait > 0:
                    self.waited += wait
                    self._sleep(wait)
            try:
                yield
            finally:
                self._finished.append(self._clock())
