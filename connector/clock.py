"""The connector's "now": real UTC time, unless a caller hands it another clock.

Everything the connector stamps or compares with the present (sync windows, arm assignments, outcomes, token
expiry, scheduled syncs) reads `now()`. `leadscore demo --days N` hands it the sandbox's clock so the CRM's
changes and the connector's records of them share one simulated time line; production never changes it.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable, Iterator

Provider = Callable[[], datetime]


def real_now() -> datetime:
    return datetime.now(timezone.utc)


_provider: Provider = real_now


def now() -> datetime:
    return _provider()


@contextmanager
def using(provider: Provider) -> Iterator[None]:
    """Read `provider` as the present inside the block (process-wide: the worker threads see it too)."""
    global _provider
    previous, _provider = _provider, provider
    try:
        yield
    finally:
        _provider = previous
