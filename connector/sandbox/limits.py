"""Request counters the way both CRMs meter an account: a rolling window (HubSpot: 110 per 10 s, search
5 per second) and a daily allowance that resets at midnight (HubSpot private apps: 250,000 a day)."""
from __future__ import annotations

import threading
from collections import Counter
from collections import defaultdict, deque
from dataclasses import dataclass

from .clock import Clock


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: float  # sandbox seconds until a slot frees; 0 when allowed


class RollingWindow:
    """At most `limit` requests per `window` seconds per key, over a rolling window."""

    def __init__(self, limit: int, window: float, clock: Clock):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> Decision:
        now = self.clock.time()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return Decision(False, self.limit, 0, max(hits[0] + self.window - now, 0.001))
            hits.append(now)
            return Decision(True, self.limit, self.limit - len(hits), 0.0)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class DailyAllowance:
    """At most `limit` requests per key per UTC day; the count starts again at midnight."""

    def __init__(self, limit: int, clock: Clock):
        self.limit = limit
        self.clock = clock
        self._used: Counter[tuple[str, int]] = Counter()
        self._lock = threading.Lock()

    def hit(self, key: str) -> Decision:
        now = self.clock.time()
        day = int(now // 86400)
        with self._lock:
            if self._used[key, day] >= self.limit:
                return Decision(False, self.limit, 0, (day + 1) * 86400 - now)
            self._used[key, day] += 1
            return Decision(True, self.limit, self.limit - self._used[key, day], 0.0)

    def reset(self) -> None:
        with self._lock:
            self._used.clear()
