"""Full sync of 100,000 contacts through a real `celery worker` (Redis + PostgreSQL) against the HubSpot
sandbox with HubSpot's real limits on a faster clock, then webhook-to-written latency.

Prints one line per figure:
- search and write requests per second as a fraction of HubSpot's limits (5/s search; 110 per 10 s rest),
  each measured over the phase that uses it (target >= 0.9);
- the worker's peak memory (VmHWM of the solo-pool worker process; target <= 500 MB);
- webhook-to-written latency p50 / p95 over single-contact changes (target p95 < 2 s).

    .venv/bin/python bench/sync_full.py [--contacts 100000] [--speed 1.25] [--webhooks 40]
Needs PostgreSQL and Redis (the same URLs as the tests: LEADSCORE_TEST_POSTGRES_URL / _REDIS_URL).

Clock speed 1.25 (the default): the bench measures whether the connector uses HubSpot's allowance, so the
limits must bind, not this machine's CPU. Everything shares 2 cores: the sandbox (its search scans the
contacts above the last id on every page), the worker and PostgreSQL. At 100,000 contacts the CPU sustained
about 9 searches/s and 17 writes/s (speed 2: search 0.90, write 0.78 of the limit, the write phase
CPU-bound in the worker's scoring and per-chunk nurture work); 1.25 asks for 6.25 and 13.75, leaving
a quarter in hand for the noise of a shared machine. Speed 1 gave similar fractions (0.97 / 0.90).

Last measured (100,000 contacts, speed 1.25, 2 shared cores, two runs): full sync 165 s / 160 s real;
search 0.95 / 0.97 of the limit, write 0.89 / 0.90, no 429s; worker peak 421 MB both (pull ~260 MB flat,
the peak is the cold-start points training on 20,000 rows); webhook to written p50 0.60 s, p95 0.67 / 0.66 s.
Earlier: a 100,000 run took 1,068 s with the worker at >= 899 MB; at speed 2 before the planner statistics
fix (PostgreSQL rescanned every snapshot for each batch): search 0.24, write 0.36, 334 s.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connector.sandbox.clock import Clock  # noqa: E402
from connector.sandbox.hubspot import HubSpotSandbox  # noqa: E402
from connector.sandbox.server import SandboxServer  # noqa: E402
from tests.e2e.conftest import CeleryWorker  # noqa: E402
from tests.fixtures.services import SERVICE_URLS  # noqa: E402
from tests.workers.conftest import in_the_past, install_portal, make_app, sandbox_config  # noqa: E402

PROFILE = ("jobtitle", "industry", "numemployees", "country", "hs_analytics_source", "hs_analytics_num_page_views",
           "hs_analytics_num_visits", "pricing_page_views", "num_conversion_events", "notes_last_contacted")


class RequestLog:
    """WSGI middleware: the real time and kind of every answered CRM request."""

    def __init__(self, app):
        self.app = app
        self.entries: list[tuple[float, str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        kind = "search" if path.endswith("/search") else "write" if path.endswith("/batch/update") else "other"

        def record(status, headers, *args):
            with self._lock:
                self.entries.append((time.monotonic(), kind, status.split()[0]))
            return start_response(status, headers, *args)

        return self.app(environ, record) if method else self.app(environ, start_response)

    def rate(self, kind: str, window: float) -> tuple[float, int, int]:
        """(requests per real second over the phase, requests, 429s) for one kind.

        A rolling-window limit lets a whole window's worth through at once, so the phase is taken as its span
        plus one `window` (real seconds): every request holds its slot for a window, and a phase that kept
        every window full scores exactly the limit, never more."""
        stamps = [t for t, k, s in self.entries if k == kind and s != "429"]
        refused = sum(1 for _, k, s in self.entries if k == kind and s == "429")
        if not stamps:
            return 0.0, 0, refused
        return len(stamps) / (stamps[-1] - stamps[0] + window), len(stamps), refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--speed", "--clock-speed", type=float, default=1.25,
                        help="sandbox clock speed (limits per virtual second)")
    parser.add_argument("--webhooks", "--changes", type=int, default=40, help="single-contact changes to time")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    database = _throwaway_database()
    redis_base = SERVICE_URLS["redis"].rsplit("/", 1)[0]
    redis_url = f"{redis_base}/{random.randint(1, 15)}"
    sandbox = HubSpotSandbox(clock=Clock(speed=args.speed))
    started = time.monotonic()
    with in_the_past(sandbox, 120 * args.speed):
        portal = sandbox.add_portal(contacts=args.contacts, seed=100)
    print(f"seeded {args.contacts:,} contacts in {time.monotonic() - started:.1f} s", file=sys.stderr)
    requests_log = RequestLog(sandbox.wsgi_app)
    server = SandboxServer(requests_log).start()
    sandbox.base_url = server.base_url
    keys = Fernet.generate_key().decode()
    config = {"CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url,
              "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}", "RATE_LIMIT_SPEED": args.speed,
              "SYNC_LOCK_SECONDS": 60, **sandbox_config(sandbox, server.base_url)}
    app = make_app(work, database, ENCRYPTION_KEYS=[keys], **config)
    installation_id = install_portal(app, sandbox, portal.id)
    env = {**os.environ, "LEADSCORE_INSTANCE_PATH": str(work / "worker"), "LEADSCORE_SECRET_KEY": "bench",
           "LEADSCORE_ENCRYPTION_KEYS": keys, "LEADSCORE_DATABASE_URL": database,
           **{f"LEADSCORE_{k}": str(v) for k, v in config.items()}}
    worker = CeleryWorker(env, work / "worker.log", "bench", concurrency=1, pool="solo")
    app_server = None
    try:
        started = time.monotonic()
        sync = app.extensions["celery"].send_task("workers.sync", kwargs={"installation_id": installation_id})
        result = sync.get(timeout=3600)
        elapsed = time.monotonic() - started
        counts = result["counts"]
        print(f"full sync: {counts['pulled']:,} pulled, {counts['written']:,} written in {elapsed:.1f} s real "
              f"({result['api_calls']})")
        for kind, limit, window in (("search", 5, 1.0), ("write", 110, 10.0)):
            rate, n, refused = requests_log.rate(kind, window / args.speed)
            allowed = limit / window * args.speed
            print(f"{kind} rate: {rate:.1f} req/s of {allowed:.1f} allowed = {rate / allowed:.2f} of the limit "
                  f"({n} requests, {refused} refused with 429)")
        print(f"worker peak memory: {_peak_rss_mb(worker.process.pid):.0f} MB")

        app_server = SandboxServer(app).start()
        sandbox.subscribe_webhooks(f"{app_server.base_url}/webhooks/hubspot", "1", sandbox.app.client_secret,
                                   properties=PROFILE)
        latencies = _webhook_latencies(sandbox, portal, args.webhooks)
        p50 = statistics.median(latencies)
        p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies)
        print(f"webhook to written: p50 {p50:.2f} s, p95 {p95:.2f} s over {len(latencies)} changes")
        print(f"worker peak memory after webhooks: {_peak_rss_mb(worker.process.pid):.0f} MB")
    finally:
        worker.stop()
        if app_server is not None:
            app_server.stop()
        server.stop()
        sandbox.webhooks.stop()
        app.extensions["db_engine"].dispose()
        _drop_database(database)


def _webhook_latencies(sandbox, portal, count: int) -> list[float]:
    """Give low-scored contacts the best contact's profile one at a time; time until the new score lands."""
    scores = {cid: int(c.properties.get("leadscore_score") or 0) for cid, c in portal.contacts.items()}
    best = max(scores, key=scores.get)
    profile = {k: portal.contacts[best].properties.get(k) for k in PROFILE}
    targets = sorted(scores, key=scores.get)[:count]
    latencies = []
    for target in targets:
        before = portal.contacts[target].properties.get("leadscore_score")
        sandbox.bulk_edit(portal.id, [target], profile)
        changed = time.monotonic()
        while time.monotonic() - changed < 15:
            if portal.contacts[target].properties.get("leadscore_score") != before:
                latencies.append(time.monotonic() - changed)
                break
            time.sleep(0.01)
        time.sleep(0.2)
    return latencies


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _throwaway_database() -> str:
    url = SERVICE_URLS["postgres"]
    name = f"leadscore_bench_{uuid.uuid4().hex[:10]}"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    name = make_url(url).database
    with create_engine(SERVICE_URLS["postgres"], isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
