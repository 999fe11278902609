"""Switches that make a sandbox misbehave the way a real CRM sometimes does, for tests and demos."""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

# The switches either sandbox's /_sandbox/faults endpoint takes, with their types.
SWITCHES = {"rate_limit_storm": int, "storm_retry_after": float, "error_rate": float, "ambiguous_rate": float,
            "latency": float, "expire_tokens_after_pages": int}
# `--faults` spells them shorter: "storm=200,errors=0.1,ambiguous=0.1,latency=0.2".
SPEC_NAMES = {"storm": "rate_limit_storm", "errors": "error_rate", "ambiguous": "ambiguous_rate",
              "latency": "latency", "expiry": "expire_tokens_after_pages"}


def parse_spec(spec: str) -> dict[str, float | int]:
    """`--faults` SPEC to switch values; ValueError says what is wrong, for the CLI to show."""
    switches: dict[str, float | int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, raw = item.partition("=")
        if not sep or name.strip() not in SPEC_NAMES:
            raise ValueError(f"{item!r} is not one of {', '.join(f'{n}=...' for n in SPEC_NAMES)}")
        switch = SPEC_NAMES[name.strip()]
        try:
            value = SWITCHES[switch](raw.strip())
        except ValueError:
            raise ValueError(f"{item!r}: {raw.strip()!r} is not a number") from None
        share = switch in ("error_rate", "ambiguous_rate")
        if value < 0 or (share and value > 1):
            raise ValueError(f"{item!r}: must be {'between 0 and 1' if share else 'at least 0'}")
        switches[switch] = value
    return switches


@dataclass
class Faults:
    """Read by each sandbox's request hook. All off by default.

    - `rate_limit_storm`: the next N API requests are answered 429 (HubSpot) / 403 REQUEST_LIMIT_EXCEEDED
      (Salesforce) with a short Retry-After, whatever the real counters say.
    - `error_rate`: fraction of API requests answered 5xx (before anything is done).
    - `ambiguous_rate`: fraction of writes and creates that are applied and then answered 502, as when a
      gateway loses the CRM's answer: the client cannot tell it from a failure.
    - `latency`: seconds added to every API request (real seconds).
    - `expire_tokens_after_pages`: once N more pages of a pull (HubSpot search, Salesforce SOQL query) have
      been answered, every access token expires at once, as a token reaching its end mid-pull does: the
      next page is answered 401 while the client still holds the token as valid. `tokens_expired` counts it.
    """

    rate_limit_storm: int = 0
    storm_retry_after: float = 1.0
    error_rate: float = 0.0
    ambiguous_rate: float = 0.0
    latency: float = 0.0
    expire_tokens_after_pages: int = 0
    tokens_expired: int = 0
    seed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._random.seed(self.seed)  # the same faults on the same requests, run after run

    def set(self, switches: dict) -> None:
        for name, value in switches.items():
            setattr(self, name, SWITCHES[name](value))

    def take_storm_hit(self) -> bool:
        """True when this request must be refused by the storm (and counts it down)."""
        with self._lock:
            if self.rate_limit_storm > 0:
                self.rate_limit_storm -= 1
                return True
            return False

    def page_answered(self) -> bool:
        """Counted on each pull page answered: True on the Nth, when the sandbox must expire every token."""
        with self._lock:
            if self.expire_tokens_after_pages <= 0:
                return False
            self.expire_tokens_after_pages -= 1
            if self.expire_tokens_after_pages:
                return False
            self.tokens_expired += 1
            return True

    def roll_server_error(self) -> bool:
        return self._roll(self.error_rate)

    def roll_ambiguous(self) -> bool:
        """Asked after a write was applied: True when its answer must be lost."""
        return self._roll(self.ambiguous_rate)

    def _roll(self, share: float) -> bool:
        with self._lock:
            return share > 0 and self._random.random() < share

    def delay(self) -> None:
        if self.latency > 0:
            time.sleep(self.latency)

    def clear(self) -> None:
        with self._lock:
            self.rate_limit_storm = 0
            self.error_rate = 0.0
            self.ambiguous_rate = 0.0
            self.latency = 0.0
            self.expire_tokens_after_pages = 0
            self.tokens_expired = 0
