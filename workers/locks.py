"""One sync at a time per installation: a lock with an expiry, so a worker killed mid-sync (kill -9 leaves no
chance to unlock) blocks the next one only until the lock runs out. The holder renews it as it makes progress.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

import redis

from .coordination import key, shared_redis

_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


class LockHeld(Exception):
    """Another worker is syncing this installation right now."""


class LockLost(Exception):
    """The lock expired under us (Redis unreachable for a whole lease): another worker may now sync."""


class InstallationLock:
    """Held by one sync; a keeper thread renews the lease every third of `ttl` while the holder lives.

    A renewal thread rather than renewals at checkpoints: a single long step (training the cold-start model,
    one slow CRM call waiting out a rate limit) must not let the lock lapse while the worker is alive. A
    killed worker takes its thread with it, and the lease runs out `ttl` seconds later.
    """

    def __init__(self, name: str, ttl_seconds: float):
        self.name = key("lock", name)
        self.ttl = ttl_seconds
        self._redis = shared_redis()
        self._lock = None
        self._stop = threading.Event()
        self._lost = False

    def acquire(self) -> None:
        if self._redis is None:
            with _local_guard:
                self._lock = _local_locks.setdefault(self.name, threading.Lock())
        else:
            # Not thread-local: the keeper thread renews with the token the task's thread took.
            self._lock = self._redis.lock(self.name, timeout=self.ttl, blocking=False, thread_local=False)
        if not self._lock.acquire(blocking=False):
            self._lock = None
            raise LockHeld(self.name)
        if self._redis is not None:
            threading.Thread(target=self._keep, name=f"lease:{self.name}", daemon=True).start()

    def check(self) -> None:
        """Raise `LockLost` when the lease lapsed; call it between units of work."""
        if self._lost:
            raise LockLost(self.name)

    def _keep(self) -> None:
        lease_ends = time.monotonic() + self.ttl
        while not self._stop.wait(self.ttl / 3):
            try:
                self._lock.extend(self.ttl, replace_ttl=True)
            except redis.exceptions.LockNotOwnedError:
                # The key is gone while we live (a Redis restarted without persistence): take it back, unless
                # another worker already holds it (then the sweep judged us dead, and we stop).
                if not self._take_back():
                    self._lost = True
                    return
            except redis.exceptions.ConnectionError:
                if time.monotonic() >= lease_ends:  # Redis away for a whole lease: others may hold it by now
                    self._lost = True
                    return
                continue  # Redis restarting: the lease stands until it would have run out
            except redis.exceptions.LockError:
                self._lost = True
                return
            lease_ends = time.monotonic() + self.ttl

    def _take_back(self) -> bool:
        try:
            return bool(self._redis.set(self.name, self._lock.local.token, nx=True, px=int(self.ttl * 1000)))
        except redis.exceptions.ConnectionError:
            return False

    def release(self) -> None:
        self._stop.set()
        if self._lock is None:
            return
        try:
            self._lock.release()
        except redis.exceptions.LockError:
            pass  # it expired and may already be someone else's: nothing of ours to release
        self._lock = None


def free_for(installation_id: int, purpose: str, seconds: float) -> bool:
    """True when nobody has held the lock for `seconds`, as seen by calls at least that far apart.

    A free lock alone does not prove its holder dead: after a Redis restart a live holder's key is gone
    until its keeper takes it back (within a third of the lease). The first call that finds the lock free
    stamps the moment in Redis (on Redis's clock, the same for every worker); a lock still free a whole
    lease later was not taken back, so its holder is gone."""
    name = key("lock", purpose, installation_id)
    client = shared_redis()
    if client is None:
        lock = _local_locks.get(name)
        return lock is None or not lock.locked()
    stamp = key("free-since", purpose, installation_id)
    if client.exists(name):
        client.delete(stamp)
        return False
    seconds_now, micros = client.time()
    now = seconds_now + micros / 1e6
    client.set(stamp, now, nx=True, ex=int(seconds * 3) + 1)
    return now - float(client.get(stamp) or now) >= seconds


def is_locked(installation_id: int, purpose: str) -> bool:
    name = key("lock", purpose, installation_id)
    client = shared_redis()
    if client is None:
        lock = _local_locks.get(name)
        return lock is not None and lock.locked()
    return bool(client.exists(name))


@contextmanager
def installation_lock(installation_id: int, purpose: str, ttl_seconds: float) -> Iterator[InstallationLock]:
    lock = InstallationLock(f"{purpose}:{installation_id}", ttl_seconds)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()
