"""A clock the sandboxes read instead of `time.time()`, so benchmarks can run the CRM's real limits faster.

With `speed=10`, a 10-second rate-limit window lasts one real second: requests per window stay the real
figure, so "fraction of the limit achieved" is measured against HubSpot's own numbers.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone


class Clock:
    def __init__(self, speed: float = 1.0):
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        self.speed = speed
        self._real_start = time.monotonic()
        self._virtual_start = time.time()
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch, on the sandbox's (possibly faster) time line."""
        with self._lock:
            return self._virtual_start + (time.monotonic() - self._real_start) * self.speed + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def advance(self, seconds: float) -> None:
        """Jump forward, e.g. to expire every access token without waiting."""
        with self._lock:
            self._offset += seconds

    def realign(self) -> None:
        """Back on the real time line, every advance dropped: tests share one sandbox, and a test that jumped a
        day ahead must not leave the next one's records stamped in the future of its client's clock."""
        with self._lock:
            self._real_start = time.monotonic()
            self._virtual_start = time.time()
            self._offset = 0.0

    def real_seconds(self, virtual_seconds: float) -> float:
        """How long a client really has to wait for `virtual_seconds` of sandbox time to pass."""
        return virtual_seconds / self.speed
