"""Switches that make a sandbox misbehave the way a real CRM sometimes does, for tests and demos."""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    """Read by each sandbox's request hook. All off by default.

    - `rate_limit_storm`: the next N API requests are answered 429 (HubSpot) / 403 REQUEST_LIMIT_EXCEEDED
      (Salesforce) with a short Retry-After, whatever the real counters say.
    - `error_rate`: fraction of API requests answered 5xx.
    - `latency`: seconds added to every API request (real seconds).
    """

    rate_limit_storm: int = 0
    storm_retry_after: float = 1.0
    error_rate: float = 0.0
    latency: float = 0.0
    seed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def take_storm_hit(self) -> bool:
        """True when this request must be refused by the storm (and counts it down)."""
        with self._lock:
            if self.rate_limit_storm > 0:
                self.rate_limit_storm -= 1
                return True
            return False

    def roll_server_error(self) -> bool:
        with self._lock:
            return self.error_rate > 0 and self._random.random() < self.error_rate

    def delay(self) -> None:
        if self.latency > 0:
            time.sleep(self.latency)

    def clear(self) -> None:
        with self._lock:
            self.rate_limit_storm = 0
            self.error_rate = 0.0
            self.latency = 0.0
