"""The org's daily API allocation, read from `Sforce-Limit-Info` on every response, and the pause it calls for.

Salesforce meters an org, not an app: a connector that burns the last 10% of the daily allocation locks
every other integration (and the admins' own tools) out until the rolling 24 h frees calls. Past
`threshold`, each request waits a little longer the closer usage gets to the limit.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)

_USAGE = re.compile(r"(?:^|[;,\s])api-usage=(\d+)/(\d+)")


@dataclass
class ApiUsage:
    threshold: float = 0.9
    min_pause: float = 0.5  # seconds, at the threshold
    max_pause: float = 30.0  # seconds, at (or past) the limit
    used: int | None = None
    total: int | None = None
    _warned: bool = False

    def observe(self, limit_info: str | None) -> None:
        """Take the figures of one `Sforce-Limit-Info` header (e.g. `api-usage=10018/100000`)."""
        found = _USAGE.search(limit_info or "")
        if found:
            self.used, self.total = int(found.group(1)), int(found.group(2))

    @property
    def ratio(self) -> float | None:
        if self.used is None or not self.total:
            return None
        return self.used / self.total

    @property
    def exhausted(self) -> bool:
        return self.ratio is not None and self.ratio >= 1.0

    def pause(self) -> float:
        """Seconds to wait before the next request: 0 below the threshold, then growing linearly with usage."""
        ratio = self.ratio
        if ratio is None or ratio < self.threshold:
            return 0.0
        if not self._warned:
            self._warned = True
            log.warning("Salesforce org has used %d of %d daily API calls; slowing down", self.used, self.total)
        share = min((ratio - self.threshold) / max(1.0 - self.threshold, 1e-9), 1.0)
        return self.min_pause + (self.max_pause - self.min_pause) * share
